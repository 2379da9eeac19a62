from django.urls import path

from accounts import views
from accounts.web import invitation_views, member_views, settings_views, token_views

urlpatterns = [
    path("brands/switch", views.brand_switch, name="brand_switch"),
    path("invitations/<str:token>", invitation_views.invitation_accept, name="invitation_accept"),
    path("settings/", settings_views.general, name="settings_general"),
    path("settings/delete", settings_views.delete, name="settings_delete"),
    path("settings/accounts", settings_views.accounts, name="settings_accounts"),
    path(
        "settings/accounts/<str:account_id>/disconnect",
        settings_views.account_disconnect,
        name="settings_account_disconnect",
    ),
    path(
        "settings/accounts/<str:account_id>/subscribe",
        settings_views.account_subscribe,
        name="settings_account_subscribe",
    ),
    path("settings/members", member_views.members, name="settings_members"),
    path("settings/members/invite", member_views.invite, name="settings_invite"),
    path("settings/members/<str:membership_id>/role", member_views.member_role, name="settings_member_role"),
    path("settings/members/<str:membership_id>/remove", member_views.member_remove, name="settings_member_remove"),
    path(
        "settings/invitations/<str:invitation_id>/renew",
        member_views.invitation_renew_view,
        name="settings_invitation_renew",
    ),
    path(
        "settings/invitations/<str:invitation_id>/revoke",
        member_views.invitation_revoke_view,
        name="settings_invitation_revoke",
    ),
    path("settings/tokens", token_views.tokens, name="settings_tokens"),
    path("settings/tokens/<str:token_id>/revoke", token_views.token_revoke, name="settings_token_revoke"),
]
