"""Account Activity API, premium ``all/:env_name`` form (twitter-api.md §3.2, rows 1–9b)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.api.base import APP, EITHER, Caller, Spec, no_content, ok, param, route
from sandbox.conf import sandbox_setting
from sandbox.models import SandboxSubscription, SandboxWebhook
from sandbox.services import webhooks as service
from sandbox.services.users import app_owner_id


def _env(env_name: str) -> str:
    # A wrong (or wrongly cased) env_name is answered with 32 (twitter-api.md §11.2, §13.4).
    if env_name != settings.TWITTER_ENV_NAME:
        raise errors.could_not_authenticate()
    return env_name


def _owner_only(caller: Caller) -> None:
    """Webhook management takes the app owner's own tokens (§2.2)."""
    if caller.user is not None and caller.user.pk != app_owner_id():
        raise errors.credentials_not_allowed()


def _webhook_json(webhook: SandboxWebhook) -> dict:
    return {
        "id": str(webhook.id),
        "url": webhook.url,
        "valid": webhook.valid,
        "created_timestamp": webhook.created_at.strftime("%Y-%m-%d %H:%M:%S +0000"),
    }


def _register(request: HttpRequest, caller: Caller, env_name: str) -> HttpResponse:
    _env(env_name)
    _owner_only(caller)
    url = param(request, "url")
    if not url:
        raise errors.webhook_refused(errors.WEBHOOK_URL_INVALID)
    webhook = service.webhook_register(env_name=env_name, url=url)
    return ok(
        {
            "id": str(webhook.id),
            "url": webhook.url,
            "valid": True,
            "created_at": webhook.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )


def _list_env(request: HttpRequest, caller: Caller, env_name: str) -> HttpResponse:
    _env(env_name)
    return ok([_webhook_json(webhook) for webhook in SandboxWebhook.objects.filter(env_name=env_name)])


def _list_all(request: HttpRequest, caller: Caller) -> HttpResponse:
    environments = [
        {
            "environment_name": settings.TWITTER_ENV_NAME,
            "webhooks": [_webhook_json(w) for w in SandboxWebhook.objects.filter(env_name=settings.TWITTER_ENV_NAME)],
        }
    ]
    return ok({"environments": environments})


def _crc(request: HttpRequest, caller: Caller, env_name: str, webhook_id: str) -> HttpResponse:
    _env(env_name)
    _owner_only(caller)
    service.webhook_crc(webhook=service.webhook_get(env_name=env_name, webhook_id=webhook_id))
    return no_content()


def _delete(request: HttpRequest, caller: Caller, env_name: str, webhook_id: str) -> HttpResponse:
    _env(env_name)
    _owner_only(caller)
    service.webhook_delete(webhook=service.webhook_get(env_name=env_name, webhook_id=webhook_id))
    return no_content()


def _check_subscriber(caller: Caller) -> None:
    # A token without DM permission cannot subscribe: code 32 (twitter-api.md §13.4).
    if not caller.token.can_dm:
        raise errors.could_not_authenticate()


def _subscribe(request: HttpRequest, caller: Caller, env_name: str) -> HttpResponse:
    _env(env_name)
    _check_subscriber(caller)
    service.subscription_add(env_name=env_name, user=caller.user)
    return no_content()


def _subscribed(request: HttpRequest, caller: Caller, env_name: str) -> HttpResponse:
    _env(env_name)
    _check_subscriber(caller)
    service.subscription_get(env_name=env_name, user_id=caller.user.pk)
    return no_content()


def _unsubscribe_self(request: HttpRequest, caller: Caller, env_name: str) -> HttpResponse:
    _env(env_name)
    service.subscription_remove(env_name=env_name, user_id=caller.user.pk)
    return no_content()


def _unsubscribe(request: HttpRequest, caller: Caller, env_name: str, user_id: str) -> HttpResponse:
    _env(env_name)
    if not is_ascii_digits(user_id):
        raise errors.page_not_found()
    service.subscription_remove(env_name=env_name, user_id=int(user_id))
    return no_content()


def _subscription_list(request: HttpRequest, caller: Caller, env_name: str) -> HttpResponse:
    _env(env_name)
    users = (
        SandboxSubscription.objects.filter(webhook__env_name=env_name).order_by("id").values_list("user_id", flat=True)
    )
    return ok(
        {
            "environment": env_name,
            "application_id": settings.TWITTER_APP_ID,
            "subscriptions": [{"user_id": str(user_id)} for user_id in users],
        }
    )


def _count(request: HttpRequest, caller: Caller) -> HttpResponse:
    from sandbox.services.users import sandbox_bootstrap

    return ok(
        {
            "account_name": sandbox_bootstrap().screen_name,
            "subscriptions_count": str(SandboxSubscription.objects.count()),
            "provisioned_count": str(sandbox_setting("SANDBOX_SUBSCRIPTION_LIMIT")),
        }
    )


ENV = "account_activity/all/:env_name"
webhooks = route(f"{ENV}/webhooks", POST=Spec(_register, bearer_code=261), GET=Spec(_list_env, auth=EITHER))
webhook = route(f"{ENV}/webhooks/:webhook_id", PUT=Spec(_crc, auth=EITHER), DELETE=Spec(_delete, bearer_code=261))
all_webhooks = route("account_activity/all/webhooks", GET=Spec(_list_all, auth=APP))
subscriptions = route(
    f"{ENV}/subscriptions", POST=Spec(_subscribe), GET=Spec(_subscribed), DELETE=Spec(_unsubscribe_self)
)
subscription = route(f"{ENV}/subscriptions/:user_id", DELETE=Spec(_unsubscribe, auth=APP))
subscription_list = route(f"{ENV}/subscriptions/list", GET=Spec(_subscription_list, auth=APP))
subscription_count = route("account_activity/all/subscriptions/count", GET=Spec(_count, auth=APP))
