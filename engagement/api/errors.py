"""Every error the API answers has one shape: ``{"detail": "...", "errors": {field: ["..."]}}``.

Services raise their own errors (``ReplyError``, ``ConversationError``, ``UploadError``),
selectors raise ``Http404`` and ``BadCursor``, ninja raises ``ValidationError`` for input that
does not fit the schema. The handlers here turn each into that shape with a 4xx, so no input
reaches a 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from engagement.selectors import BadCursor
from engagement.services.conversation_actions import ConversationError
from engagement.services.replies import ReplyError
from engagement.services.uploads_and_erasure import UploadError

INVALID_INPUT = "The request has invalid fields; see errors."

# The service names the header's value after its argument; API users know it as the header.
SERVICE_FIELDS = {"idempotency_key": "Idempotency-Key"}


class ApiError(Exception):
    """A 4xx with a reason, and optionally the fields to fix."""

    status = 400

    def __init__(
        self,
        detail: str = INVALID_INPUT,
        *,
        errors: dict[str, list[str]] | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}
        self.status = status or self.status
        self.headers = headers or {}


def field_error(field: str, message: str) -> ApiError:
    return ApiError(errors={field: [message]})


class RateLimited(ApiError):
    def __init__(self, *, retry_after: int, limit: int) -> None:
        super().__init__(
            f"This token made more than {limit} requests this minute; retry after {retry_after} seconds.",
            status=429,
            headers={"Retry-After": str(retry_after)},
        )


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _location(parts: Sequence[Any]) -> str:
    # ("quick_replies", 0, "label") -> "quick_replies[0].label", as Twitter's validation names it
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """ninja's ``loc`` (source, [body parameter], field, ...) as ``{field: [reason]}``."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = list(error.get("loc") or ())
        source = loc.pop(0) if loc else "body"
        if source == "body" and loc:
            loc.pop(0)  # the endpoint's parameter name, which callers never see
        field = str(loc[0]) if loc else source
        reason = "unknown field" if error.get("type") == "extra_forbidden" else str(error.get("msg", "invalid"))
        # pydantic prefixes custom validators' messages; the reason alone reads better.
        reason = reason.removeprefix("Value error, ")
        if len(loc) > 1:
            reason = f"{_location(loc)}: {reason}"
        fields.setdefault(field, []).append(reason)
    return fields


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the API's shape."""

    @api.exception_handler(ValidationError)
    def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(api, request, status=400, detail=INVALID_INPUT, errors=validation_errors(exc.errors))

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(
            api, request, status=exc.status, detail=exc.detail, errors=exc.errors, headers=exc.headers
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if request.headers.get("Authorization"):
            detail = "This API token is not valid: it is unknown, revoked, or its member was removed."
            challenge = 'Bearer realm="roost", error="invalid_token"'
        else:
            detail = "Send an API token: Authorization: Bearer <token>."
            challenge = 'Bearer realm="roost"'
        return error_response(api, request, status=401, detail=detail, headers={"WWW-Authenticate": challenge})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own: an unparseable JSON body (400), a method the path does not have (405).
        detail = "The request body is not valid JSON." if str(exc).startswith("Cannot parse request body") else str(exc)
        return error_response(api, request, status=exc.status_code, detail=detail)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # Django's DATA_UPLOAD_MAX_MEMORY_SIZE; a legitimate JSON body is far smaller (files
        # go to POST /media as multipart, which is not held in memory).
        return error_response(api, request, status=413, detail="The request body is too large.")

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return error_response(api, request, status=400, detail="The request is malformed.")

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return error_response(
            api, request, status=400, detail="The multipart body is malformed.", errors={"file": [str(exc)]}
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The same answer whether the id is malformed, unknown or another brand's.
        return error_response(api, request, status=404, detail="Not found.")

    @api.exception_handler(BadCursor)
    def bad_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
        return error_response(
            api, request, status=400, detail=INVALID_INPUT, errors={"cursor": ["this cursor is not valid"]}
        )

    @api.exception_handler(ReplyError)
    def reply_refused(request: HttpRequest, exc: ReplyError) -> HttpResponse:
        field = SERVICE_FIELDS.get(exc.field, exc.field)
        return error_response(api, request, status=400, detail=INVALID_INPUT, errors={field: [exc.message]})

    @api.exception_handler(ConversationError)
    def change_refused(request: HttpRequest, exc: ConversationError) -> HttpResponse:
        return error_response(api, request, status=400, detail=INVALID_INPUT, errors={exc.field: [exc.message]})

    @api.exception_handler(DjangoValidationError)
    def model_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # What a service's model validation refuses (a custom profile's name or avatar).
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return error_response(api, request, status=400, detail=INVALID_INPUT, errors=errors)

    @api.exception_handler(UploadError)
    def upload_refused(request: HttpRequest, exc: UploadError) -> HttpResponse:
        return error_response(api, request, status=400, detail=INVALID_INPUT, errors={"file": [str(exc)]})
