from django.contrib.admin.apps import AdminConfig


class RoostAdminConfig(AdminConfig):
    """The Django admin with Roost's brand-scoped site (see accounts.admin_tenancy)."""

    default_site = "accounts.admin_tenancy.RoostAdminSite"
