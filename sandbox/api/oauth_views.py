"""Sign in with Twitter (twitter-api.md §2.4) and the app-only bearer token (§2.1)."""

from __future__ import annotations

import base64
import hmac
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.conf import sandbox_setting
from sandbox.errors import TwitterError
from sandbox.models import SandboxAccessToken, SandboxRequestToken, SandboxUser
from sandbox.models.accounts import AccessLevel
from sandbox.oauth import app_bearer_token, oauth_verify
from sandbox.services.faults import fault_take
from sandbox.services.users import SandboxInputError, random_string, sandbox_bootstrap, sandbox_user_create
from sandbox.web.session import current_user, remember_user

LOOPBACK = {"127.0.0.1", "localhost", "::1", "testserver"}
LEVELS = [AccessLevel.READ, AccessLevel.READ_WRITE, AccessLevel.READ_WRITE_DMS]


def _form(body: dict[str, str], status: int = 200) -> HttpResponse:
    return HttpResponse(urlencode(body), status=status, content_type="application/x-www-form-urlencoded")


def _callback_allowed(callback: str) -> bool:
    if callback == "oob":
        return True
    parts = urlsplit(callback)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    if parts.hostname in LOOPBACK:
        return True
    allowed = sandbox_setting("SANDBOX_CALLBACK_URLS") or [settings.PUBLIC_URL]
    return any(callback.startswith(prefix) for prefix in allowed if prefix)


def _fault(request: HttpRequest, template: str) -> HttpResponse | None:
    error = fault_take(method=request.method or "GET", template=template, path=template)
    return error.response() if error else None


def _app_level(requested: str | None) -> str:
    app_level = sandbox_setting("SANDBOX_APP_ACCESS_LEVEL")
    wanted = {"read": AccessLevel.READ, "write": AccessLevel.READ_WRITE}.get(requested or "", app_level)
    # x_auth_access_type can only lower the app's level.
    return min(wanted, app_level, key=LEVELS.index)


@csrf_exempt
@require_http_methods(["POST"])
def request_token(request: HttpRequest) -> HttpResponse:
    if fault := _fault(request, "oauth/request_token"):
        return fault
    try:
        verified = oauth_verify(request, expecting="none")
        params = dict(verified.params)
        callback = params.get("oauth_callback")
        if not callback:
            raise errors.missing_parameter("oauth_callback")
        if not _callback_allowed(callback):
            raise TwitterError(
                403,
                415,
                "Callback URL not approved for this client application. "
                "Approved callback URLs can be adjusted in your application settings",
            )
    except TwitterError as error:
        return error.response()
    token = SandboxRequestToken.objects.create(
        token=random_string(27),
        secret=random_string(32),
        callback=callback,
        access_level=_app_level(params.get("x_auth_access_type")),
    )
    return _form({"oauth_token": token.token, "oauth_token_secret": token.secret, "oauth_callback_confirmed": "true"})


def _finish(request_token_row: SandboxRequestToken, user: SandboxUser) -> HttpResponse:
    request_token_row.user = user
    request_token_row.verifier = random_string(32)
    request_token_row.save(update_fields=["user", "verifier"])
    if request_token_row.callback == "oob":
        response = HttpResponse(
            f"<!doctype html><title>PIN</title><p>Enter this PIN in the app: <strong>{request_token_row.verifier}"
            "</strong></p>"
        )
    else:
        query = urlencode({"oauth_token": request_token_row.token, "oauth_verifier": request_token_row.verifier})
        callback = request_token_row.callback
        response = HttpResponseRedirect(f"{callback}{'&' if urlsplit(callback).query else '?'}{query}")
    remember_user(response, user)
    return response


@require_http_methods(["GET", "POST"])
def authenticate(request: HttpRequest, *, always_ask: bool = False) -> HttpResponse:
    """The page where a person picks or creates a sandbox user and authorises the app."""
    token_value = request.GET.get("oauth_token") or request.POST.get("oauth_token") or ""
    pending = SandboxRequestToken.objects.filter(token=token_value, used_at__isnull=True, user__isnull=True).first()
    if pending is None:
        return render(request, "sandbox/authorize_invalid.html", status=400)
    sandbox_bootstrap()  # the app owner is always there to pick
    me = current_user(request)
    force_login = request.GET.get("force_login", "").lower() in {"true", "1"}
    # "Sign in with Twitter": someone who already authorised the app goes straight back.
    returning = me is not None and SandboxAccessToken.objects.filter(user=me, revoked_at__isnull=True).exists()
    if request.method == "GET" and not always_ask and not force_login and returning:
        return _finish(pending, me)
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            callback = pending.callback
            pending.used_at = timezone.now()
            pending.save(update_fields=["used_at"])
            if callback == "oob":
                return HttpResponse("<!doctype html><title>Cancelled</title><p>You did not authorise the app.</p>")
            query = urlencode({"denied": pending.token})
            return HttpResponseRedirect(f"{callback}{'&' if urlsplit(callback).query else '?'}{query}")
        try:
            if request.POST.get("screen_name"):
                user = sandbox_user_create(screen_name=request.POST["screen_name"], name=request.POST.get("name", ""))
            else:
                user_id = request.POST.get("user_id", "")
                user = SandboxUser.objects.filter(pk=int(user_id)).first() if is_ascii_digits(user_id) else None
                if user is None:
                    raise SandboxInputError("choose an account, or create one")
            return _finish(pending, user)
        except SandboxInputError as problem:
            error = str(problem)
    context = {
        "pending": pending,
        "users": SandboxUser.objects.order_by("screen_name")[:200],
        "me": me,
        "prefill": request.GET.get("screen_name", ""),
        "error": error,
        "app_name": sandbox_setting("SANDBOX_APP_NAME"),
        "level": AccessLevel(pending.access_level).label,
    }
    return render(request, "sandbox/authorize.html", context, status=400 if error else 200)


def authorize(request: HttpRequest) -> HttpResponse:
    return authenticate(request, always_ask=True)


@csrf_exempt
@require_http_methods(["POST"])
def access_token(request: HttpRequest) -> HttpResponse:
    if fault := _fault(request, "oauth/access_token"):
        return fault
    try:
        verified = oauth_verify(request, expecting="request")
        verifier = dict(verified.params).get("oauth_verifier") or request.POST.get("oauth_verifier") or ""
        with transaction.atomic():
            row = SandboxRequestToken.objects.select_for_update().get(token=verified.token)
            if row.user is None or row.used_at is not None or not verifier:
                raise errors.could_not_authenticate()
            if not hmac.compare_digest(row.verifier.encode(), verifier.encode()):
                raise errors.could_not_authenticate()
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            # Twitter hands back the same token to a user who authorises again.
            token = (
                SandboxAccessToken.objects.filter(user=row.user, access_level=row.access_level, revoked_at__isnull=True)
                .exclude(token=settings.TWITTER_ACCESS_TOKEN)
                .first()
            )
            if token is None:
                token = SandboxAccessToken.objects.create(
                    user=row.user,
                    token=f"{row.user.id}-{random_string(31)}",
                    secret=random_string(45),
                    access_level=row.access_level,
                )
    except TwitterError as error:
        return error.response()
    return _form(
        {
            "oauth_token": token.token,
            "oauth_token_secret": token.secret,
            "user_id": token.user.id_str,
            "screen_name": token.user.screen_name,
        }
    )


@csrf_exempt
@require_http_methods(["POST"])
def oauth2_token(request: HttpRequest) -> HttpResponse:
    if fault := _fault(request, "oauth2/token"):
        return fault
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    try:
        key, _, secret = base64.b64decode(encoded).decode().partition(":")
    except ValueError:
        key = secret = ""
    expected = f"{settings.TWITTER_CONSUMER_KEY}:{settings.TWITTER_CONSUMER_SECRET}"
    if scheme.lower() != "basic" or not hmac.compare_digest(f"{key}:{secret}".encode(), expected.encode()):
        return errors.error_response(403, 99, "Unable to verify your credentials")
    if request.POST.get("grant_type") != "client_credentials":
        return errors.error_response(403, 170, "Missing required parameter: grant_type")
    return JsonResponse({"token_type": "bearer", "access_token": app_bearer_token()})
