"""``/sandbox/``: the Twitter API (``api/``), the upload host (``upload/``), media hosts
(``ton/``, ``pbs/``), the control API (``control/``) and the customer's page.

X API v2 paths live under ``api/2/``, sharing the v1.1 paths' services and state.
"""

from django.urls import path, re_path

from sandbox.api import accounts, activity, control, media, messages, oauth_views, welcome
from sandbox.api.base import not_found_view
from sandbox.api.v2 import media as media_v2
from sandbox.api.v2 import messages as messages_v2
from sandbox.api.v2 import users as users_v2
from sandbox.api.v2 import webhooks as webhooks_v2
from sandbox.web import thread, views

app_name = "sandbox"

V1 = "api/1.1/"
AAA = V1 + "account_activity/all/"
WM = V1 + "direct_messages/welcome_messages/"
V2 = "api/2/"
AAA2 = V2 + "account_activity/webhooks/<str:webhook_id>/subscriptions/"

api_patterns = [
    path("api/oauth/request_token", oauth_views.request_token, name="oauth_request_token"),
    path("api/oauth/authenticate", oauth_views.authenticate, name="oauth_authenticate"),
    path("api/oauth/authorize", oauth_views.authorize, name="oauth_authorize"),
    path("api/oauth/access_token", oauth_views.access_token, name="oauth_access_token"),
    path("api/oauth2/token", oauth_views.oauth2_token, name="oauth2_token"),
    path(V1 + "account/verify_credentials.json", accounts.verify_credentials),
    path(V1 + "users/lookup.json", accounts.users_lookup),
    path(V1 + "statuses/update.json", accounts.statuses_update),
    path(AAA + "webhooks.json", activity.all_webhooks),
    path(AAA + "subscriptions/count.json", activity.subscription_count),
    path(AAA + "<str:env_name>/webhooks.json", activity.webhooks),
    path(AAA + "<str:env_name>/webhooks/<str:webhook_id>.json", activity.webhook),
    path(AAA + "<str:env_name>/subscriptions.json", activity.subscriptions),
    path(AAA + "<str:env_name>/subscriptions/list.json", activity.subscription_list),
    path(AAA + "<str:env_name>/subscriptions/<str:user_id>.json", activity.subscription),
    path(V1 + "direct_messages/events/new.json", messages.events_new),
    path(V1 + "direct_messages/events/list.json", messages.events_list),
    path(V1 + "direct_messages/events/show.json", messages.events_show),
    path(V1 + "direct_messages/events/destroy.json", messages.events_destroy),
    path(V1 + "direct_messages/indicate_typing.json", messages.indicate_typing),
    path(V1 + "direct_messages/mark_read.json", messages.mark_read),
    path(WM + "new.json", welcome.welcome_new),
    path(WM + "list.json", welcome.welcome_list),
    path(WM + "show.json", welcome.welcome_show),
    path(WM + "update.json", welcome.welcome_update),
    path(WM + "destroy.json", welcome.welcome_destroy),
    path(WM + "rules/new.json", welcome.rule_new),
    path(WM + "rules/list.json", welcome.rule_list),
    path(WM + "rules/show.json", welcome.rule_show),
    path(WM + "rules/destroy.json", welcome.rule_destroy),
    path(V1 + "custom_profiles/new.json", welcome.profile_new),
    path(V1 + "custom_profiles/list.json", welcome.profile_list),
    path(V1 + "custom_profiles/destroy.json", welcome.profile_destroy),
    path(V1 + "custom_profiles/<str:profile_id>.json", welcome.profile_show),
    path("upload/1.1/media/upload.json", media.upload, name="media_upload"),
    path(V2 + "webhooks", webhooks_v2.webhooks),
    path(V2 + "webhooks/<str:webhook_id>", webhooks_v2.webhook),
    path(AAA2 + "all", webhooks_v2.subscriptions),
    path(AAA2 + "all/list", webhooks_v2.subscription_list),
    path(AAA2 + "<str:user_id>/all", webhooks_v2.subscription),
    path(V2 + "account_activity/subscriptions/count", webhooks_v2.subscription_count),
    path(V2 + "dm_conversations/with/<str:participant_id>/messages", messages_v2.send),
    path(V2 + "dm_events", messages_v2.events),
    path(V2 + "dm_events/<str:event_id>", messages_v2.event),
    path(V2 + "media/upload", media_v2.upload),
    path(V2 + "users/me", users_v2.me),
    path(V2 + "users/by", users_v2.users_by),
    path(V2 + "users", users_v2.users),
    path(V2 + "tweets", users_v2.tweets),
    re_path(r"^(api|upload)/", not_found_view),
]

media_patterns = [
    path("ton/1.1/ton/data/dm/<int:event_id>/<int:media_id>/<str:name>", media.ton_dm, name="ton_dm"),
    path("ton/1.1/ton/data/welcome/<int:welcome_id>/<int:media_id>/<str:name>", media.ton_welcome),
    path("pbs/media/<int:media_id>.<str:extension>", media.pbs_media, name="pbs_media"),
    path("pbs/profile_images/<int:user_id>/<str:name>", media.pbs_profile_image, name="pbs_profile_image"),
]

control_patterns = [
    path("control/faults", control.faults, name="control_faults"),
    path("control/reset", control.reset, name="control_reset"),
    path("control/users", control.users, name="control_users"),
    path("control/messages", control.messages, name="control_messages"),
    path("control/deliveries", control.deliveries, name="control_deliveries"),
]

page_patterns = [
    path("", views.home, name="home"),
    path("session", views.choose_user, name="choose_user"),
    path("session/new", views.create_user, name="create_user"),
    path("session/leave", views.leave, name="leave"),
    path("settings", views.update_settings, name="settings"),
    path("revoke", views.revoke, name="revoke"),
    path("follow/<int:user_id>", views.follow, name="follow"),
    path("tweets", views.tweet, name="tweet"),
    path("messages/compose", thread.compose, name="compose"),
    path("messages/media/<int:event_id>", thread.dm_media, name="dm_media"),
    path("messages/welcome/<int:welcome_id>/media", thread.welcome_media, name="welcome_media"),
    path("messages/<int:user_id>/", thread.thread, name="thread"),
    path("messages/<int:user_id>/poll", thread.poll, name="poll"),
    path("messages/<int:user_id>/send", thread.send, name="send"),
    path("messages/<int:user_id>/typing", thread.typing, name="typing"),
]

urlpatterns = api_patterns + media_patterns + control_patterns + page_patterns
