"""/settings/members: members and their roles, invitations (the new link is shown once)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Membership, Role
from accounts.permissions import NotAllowed, assignable_roles, can_manage_member
from accounts.selectors import invitation_get, invitations_pending, membership_get, memberships_list
from accounts.services import (
    InvitationError,
    IssuedInvitation,
    MembershipError,
    invitation_create,
    invitation_renew,
    invitation_revoke,
    membership_change_role,
    membership_remove,
)
from accounts.web.access import brand_role_required
from accounts.web.forms import InvitationForm, RoleForm


def _page(
    request: HttpRequest,
    *,
    form: InvitationForm | None = None,
    issued: IssuedInvitation | None = None,
    status: int = 200,
) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    roles = assignable_roles(actor)
    members = [
        {"membership": membership, "manageable": can_manage_member(actor, membership)}
        for membership in memberships_list(brand=actor.brand)
    ]
    invitations = [
        {
            "invitation": invitation,
            "manageable": invitation.role in roles,
            "expired": invitation.expires_at <= timezone.now(),
        }
        for invitation in invitations_pending(brand=actor.brand)
    ]
    context = {
        "members": members,
        "invitations": invitations,
        "form": form or InvitationForm(roles=roles),
        "issued": issued,
        "assignable_roles": [(value, label) for value, label in Role.choices if value in roles],
    }
    return render(request, "accounts/settings/members.html", context, status=status)


@brand_role_required(Role.ADMIN)
def members(request: HttpRequest) -> HttpResponse:
    return _page(request)


@brand_role_required(Role.ADMIN)
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    form = InvitationForm(request.POST, roles=assignable_roles(actor))
    if not form.is_valid():
        if "role" in form.errors and request.POST.get("role") in Role.values:
            raise NotAllowed("Only owners can invite someone as an owner.")
        return _page(request, form=form, status=400)
    try:
        issued = invitation_create(
            actor=actor, brand=actor.brand, email=form.cleaned_data["email"], role=form.cleaned_data["role"]
        )
    except InvitationError as error:
        form.add_error("email", str(error))
        return _page(request, form=form, status=400)
    # Rendered, not redirected: the link is never stored, so this response is its only showing.
    return _page(request, issued=issued, status=201)


@brand_role_required(Role.ADMIN)
@require_POST
def invitation_renew_view(request: HttpRequest, invitation_id: str) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    invitation = invitation_get(brand=actor.brand, invitation_id=invitation_id)
    try:
        issued = invitation_renew(actor=actor, invitation=invitation)
    except InvitationError as error:
        messages.error(request, str(error))
        return redirect("settings_members")
    return _page(request, issued=issued, status=201)


@brand_role_required(Role.ADMIN)
@require_POST
def invitation_revoke_view(request: HttpRequest, invitation_id: str) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    invitation = invitation_revoke(
        actor=actor, invitation=invitation_get(brand=actor.brand, invitation_id=invitation_id)
    )
    messages.success(request, f"The invitation for {invitation.email} is withdrawn; its link no longer works.")
    return redirect("settings_members")


@brand_role_required(Role.ADMIN)
@require_POST
def member_role(request: HttpRequest, membership_id: str) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    target = membership_get(brand=actor.brand, membership_id=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose agent, admin or owner.")
        return redirect("settings_members")
    try:
        membership_change_role(actor=actor, target=target, role=form.cleaned_data["role"])
    except MembershipError as error:
        messages.error(request, str(error))
        return redirect("settings_members")
    messages.success(request, f"{target.user} is now {target.get_role_display().lower()}.")
    return redirect("settings_members")


@brand_role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, membership_id: str) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    target = membership_get(brand=actor.brand, membership_id=membership_id)
    if request.method == "GET":
        return render(request, "accounts/settings/member_remove.html", {"target": target, "is_self": target == actor})
    try:
        membership_remove(actor=actor, target=target)
    except MembershipError as error:
        messages.error(request, str(error))
        return redirect("settings_members")
    messages.success(request, f"{target.user} was removed from {actor.brand.name}; their access ended now.")
    return redirect("home" if target == actor else "settings_members")
