"""Refusals as X API v2 writes them (twitter-api.md §11.1): RFC 7807 problem JSON,
``{"title","detail","type","status"}``, with ``errors`` listing the parameter for a 400.

The sandbox's services raise the v1.1 ``TwitterError`` (status, code, message); this is the
one place it becomes v2's shape, so the same rule answers on both wires. v2 has no numeric
codes: the status and the problem ``type``/``title`` carry the meaning, and the Account
Activity failures are named with v2's reasons (``DuplicateSubscriptionFailed``...).
"""

from __future__ import annotations

from django.http import JsonResponse

from sandbox import errors
from sandbox.errors import TwitterError

PROBLEMS = "https://api.x.com/2/problems/"
TITLES = {
    400: "Invalid Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found Error",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
# v1.1 codes that mean "these credentials are no good": v2 answers all of them with a 401.
UNAUTHORIZED_CODES = frozenset({32, 89, 135, 215})
# A bearer token where a user is needed, or the reverse (v1.1's 220 and 261).
UNSUPPORTED_AUTHENTICATION_CODES = frozenset({220, 261})


def _reason(error: TwitterError) -> str:
    """v2's Account Activity reason names (§11.1) for the refusals that have one."""
    if error.v2_reason:
        return error.v2_reason
    if error.code == 355:
        return "DuplicateSubscriptionFailed"
    if error.code == 34 and "Webhook" in error.message:
        return "WebhookIdInvalid"
    if error.code == 214:
        if error.message == errors.WEBHOOK_TOO_MANY:
            return "WebhookLimitExceeded"
        if error.message == errors.WEBHOOK_URL_INVALID:
            return "UrlValidationFailed"
        return "CrcValidationFailed"
    return ""


def problem(error: TwitterError) -> JsonResponse:
    status = error.status
    if error.code in UNAUTHORIZED_CODES:
        status = 401
    kind = {400: "invalid-request", 404: "resource-not-found", 409: "conflict"}.get(status, "")
    if error.code in UNSUPPORTED_AUTHENTICATION_CODES:
        kind = "unsupported-authentication"
    elif status == 403:
        kind = "not-authorized-for-resource"
    reason = _reason(error)
    body: dict[str, object] = {
        "title": reason
        or ("Unsupported Authentication" if kind == "unsupported-authentication" else TITLES.get(status, "Error")),
        "detail": error.message,
        "type": PROBLEMS + kind if kind else "about:blank",
        "status": status,
    }
    if status == 400:
        body["errors"] = [{"message": error.message}]
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    for name, value in error.headers.items():
        response[name] = value
    return response
