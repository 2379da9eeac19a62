"""v2 webhooks and Account Activity subscriptions (twitter-api.md §12.1, §12.2).

v2 webhooks are the app's, not an environment's; the sandbox keeps them beside the v1.1 ones
under ``TWITTER_ENV_NAME``, so one webhook and its subscriptions serve both wires.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sandbox import errors
from sandbox.api.base import APP, USER, Caller, Spec, json_body
from sandbox.api.v2.base import digits, ok_data, route_v2
from sandbox.conf import sandbox_setting
from sandbox.models import SandboxSubscription, SandboxWebhook
from sandbox.services import webhooks as service
from sandbox.services.users import sandbox_bootstrap
from sandbox.wire_v2 import webhook_json


def _webhook(webhook_id: str) -> SandboxWebhook:
    return service.webhook_get(env_name=settings.TWITTER_ENV_NAME, webhook_id=webhook_id)


def _register(request: HttpRequest, caller: Caller) -> HttpResponse:
    body = json_body(request)
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url:
        raise errors.webhook_refused(errors.WEBHOOK_URL_INVALID)
    return ok_data(webhook_json(service.webhook_register(env_name=settings.TWITTER_ENV_NAME, url=url)))


def _list(request: HttpRequest, caller: Caller) -> HttpResponse:
    webhooks = [webhook_json(w) for w in SandboxWebhook.objects.filter(env_name=settings.TWITTER_ENV_NAME)]
    return ok_data(webhooks, meta={"result_count": len(webhooks)})


def _crc(request: HttpRequest, caller: Caller, webhook_id: str) -> HttpResponse:
    service.webhook_crc(webhook=_webhook(webhook_id))
    return ok_data({"valid": True})


def _delete(request: HttpRequest, caller: Caller, webhook_id: str) -> HttpResponse:
    service.webhook_delete(webhook=_webhook(webhook_id))
    return ok_data({"deleted": True})


def _subscribe(request: HttpRequest, caller: Caller, webhook_id: str) -> HttpResponse:
    webhook = _webhook(webhook_id)
    service.subscription_add(env_name=webhook.env_name, user=caller.user)
    return ok_data({"subscribed": True})


def _subscribed(request: HttpRequest, caller: Caller, webhook_id: str) -> HttpResponse:
    webhook = _webhook(webhook_id)
    return ok_data({"subscribed": service.subscription_exists(webhook=webhook, user_id=caller.user.pk)})


def _subscription_list(request: HttpRequest, caller: Caller, webhook_id: str) -> HttpResponse:
    webhook = _webhook(webhook_id)
    users = service.subscribed_user_ids(webhook=webhook)
    return ok_data(
        {
            "application_id": settings.TWITTER_APP_ID,
            "webhook_id": str(webhook.id),
            "webhook_url": webhook.url,
            "subscriptions": [{"user_id": str(user_id)} for user_id in users],
        }
    )


def _unsubscribe(request: HttpRequest, caller: Caller, webhook_id: str, user_id: str) -> HttpResponse:
    webhook = _webhook(webhook_id)
    service.subscription_remove(env_name=webhook.env_name, user_id=digits(user_id, "user_id"))
    return ok_data({"subscribed": False})


def _count(request: HttpRequest, caller: Caller) -> HttpResponse:
    count = str(SandboxSubscription.objects.count())
    return ok_data(
        {
            "account_name": sandbox_bootstrap().screen_name,
            "provisioned_count": str(sandbox_setting("SANDBOX_SUBSCRIPTION_LIMIT")),
            "subscriptions_count_all": count,
            "subscriptions_count_direct_messages": "0",
        }
    )


SUBSCRIPTIONS = "2/account_activity/webhooks/:webhook_id/subscriptions"
V1_ENV = "account_activity/all/:env_name"
webhooks = route_v2("2/webhooks", twin=f"{V1_ENV}/webhooks", POST=Spec(_register, auth=APP), GET=Spec(_list, auth=APP))
webhook = route_v2(
    "2/webhooks/:webhook_id",
    twin=f"{V1_ENV}/webhooks/:webhook_id",
    PUT=Spec(_crc, auth=APP),
    DELETE=Spec(_delete, auth=APP),
)
subscriptions = route_v2(
    f"{SUBSCRIPTIONS}/all",
    twin=f"{V1_ENV}/subscriptions",
    POST=Spec(_subscribe, auth=USER, dm=True),
    GET=Spec(_subscribed, auth=USER, dm=True),
)
subscription_list = route_v2(
    f"{SUBSCRIPTIONS}/all/list", twin=f"{V1_ENV}/subscriptions/list", GET=Spec(_subscription_list, auth=APP)
)
subscription = route_v2(
    f"{SUBSCRIPTIONS}/:user_id/all", twin=f"{V1_ENV}/subscriptions/:user_id", DELETE=Spec(_unsubscribe, auth=APP)
)
subscription_count = route_v2(
    "2/account_activity/subscriptions/count",
    twin="account_activity/all/subscriptions/count",
    GET=Spec(_count, auth=APP),
)
