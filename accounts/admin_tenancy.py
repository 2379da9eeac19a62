"""The Django admin, brand by brand.

Superusers (operators) see everything. Anyone else gets in only through a membership, sees
only the current brand's rows, chooses only that brand's rows in forms, and may do only what
their role allows on each model (``role_required``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import Membership, Role


class RoostAdminSite(admin.AdminSite):
    site_header = "Roost admin"
    site_title = "Roost admin"
    index_title = "Settings and records"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_active:
            return False
        return user.is_superuser or getattr(request, "membership", None) is not None

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Everyone signs in on the site's own page (password, Twitter, the second factor): the
        admin's form admits only staff, which brand members are not, and would skip 2FA."""
        if request.user.is_authenticated:
            # Signed in but not let in (no membership). Never the admin's own form: it would take
            # a staff password without the second factor. Nor the sign-in page, which would only
            # bring them straight back here.
            from accounts.web.access import forbidden

            return forbidden(request, "The admin is for members of a brand; you are not a member of one.")
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def _membership(request: HttpRequest) -> Membership | None:
    return getattr(request, "membership", None)


def _is_tenant_model(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("brand")
    except Exception:
        return False
    return field.is_relation


class BrandScopedAdmin(admin.ModelAdmin):
    """Base for every admin of a brand-owned model."""

    # The least role allowed each action; a missing action is for superusers only.
    role_required: dict[str, str] = {
        "view": Role.ADMIN,
        "add": Role.ADMIN,
        "change": Role.ADMIN,
        "delete": Role.ADMIN,
    }
    # The lookup from this model to its brand ("" when the model is the brand).
    brand_lookup = "brand"

    # --- permissions ---------------------------------------------------------------------
    def _role_allows(self, request: HttpRequest, action: str) -> bool:
        if request.user.is_superuser:
            return True
        membership = _membership(request)
        minimum = self.role_required.get(action)
        return membership is not None and minimum is not None and membership.has_role(minimum)

    def _in_current_brand(self, request: HttpRequest, obj: models.Model | None) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        brand = request.brand  # type: ignore[attr-defined]
        owner_id = obj.pk if self.brand_lookup == "" else getattr(obj, f"{self.brand_lookup}_id", None)
        return brand is not None and owner_id == brand.pk

    def has_module_permission(self, request: HttpRequest) -> bool:
        return any(self._role_allows(request, action) for action in ("view", "add", "change", "delete"))

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        allowed = self._role_allows(request, "view") or self._role_allows(request, "change")
        return allowed and self._in_current_brand(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._role_allows(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._role_allows(request, "change") and self._in_current_brand(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._role_allows(request, "delete") and self._in_current_brand(request, obj)

    # --- rows ----------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        brand = request.brand  # type: ignore[attr-defined]
        if brand is None:
            return queryset.none()
        if self.brand_lookup == "":
            return queryset.filter(pk=brand.pk)
        return queryset.filter(**{self.brand_lookup: brand})

    def get_exclude(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and self.brand_lookup == "brand":
            exclude.append("brand")
        return exclude

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        # Operators pick the brand; declared fieldsets (written for brand members) omit it.
        listed = {name for _, options in fieldsets for name in options.get("fields", ())}
        if request.user.is_superuser and self.brand_lookup == "brand" and "brand" not in listed:
            fieldsets = [(None, {"fields": ("brand",)}), *fieldsets]
        return fieldsets

    def get_list_filter(self, request: HttpRequest) -> Any:
        # Filters on relations list the related rows; only offer the current brand's.
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and "__" not in item:
                field = self.model._meta.get_field(item)
                if field.is_relation:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        if request.user.is_superuser and self.brand_lookup == "brand":
            filters.insert(0, "brand")
        return filters

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        if not change and not request.user.is_superuser and self.brand_lookup == "brand":
            obj.brand = request.brand  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    # --- choices -------------------------------------------------------------------------
    def _scope_choices(self, request: HttpRequest, db_field: models.Field, kwargs: dict[str, Any]) -> None:
        if request.user.is_superuser:
            return
        related = db_field.related_model
        brand = request.brand  # type: ignore[attr-defined]
        queryset = kwargs["queryset"] if "queryset" in kwargs else related._default_manager.all()
        if related._meta.label == "accounts.User":
            kwargs["queryset"] = queryset.filter(memberships__brand=brand).distinct()
        elif related._meta.label == "accounts.Brand":
            kwargs["queryset"] = queryset.filter(pk=brand.pk if brand else None)
        elif _is_tenant_model(related):
            kwargs["queryset"] = queryset.filter(brand=brand)

    def formfield_for_foreignkey(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        self._scope_choices(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        self._scope_choices(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


AGENT_READS = {"view": Role.AGENT, "add": Role.ADMIN, "change": Role.ADMIN, "delete": Role.ADMIN}
ADMIN_READS_ONLY = {"view": Role.ADMIN}
AGENT_READS_ONLY = {"view": Role.AGENT}
