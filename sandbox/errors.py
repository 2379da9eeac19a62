"""Twitter's errors, as twitter-api.md §11 writes them: ``{"errors":[{"code":N,"message":"…"}]}``.

Services raise ``TwitterError``; the API views turn it into the JSON body and HTTP status. The
customer's page shows ``.message``. Where twitter-api.md is silent about a case, the code used
is the closest documented one, and the choice is noted where the error is raised.
"""

from __future__ import annotations

from django.http import JsonResponse


class TwitterError(Exception):
    """A refusal the sandbox answers exactly the way Twitter would."""

    def __init__(
        self, status: int, code: int, message: str, *, headers: dict[str, str] | None = None, v2_reason: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        # v2 names some Account Activity refusals that v1.1 words alike (§11.1): one 214 message
        # is a full webhook allowance or a full subscription allowance, one 404 any missing page.
        self.v2_reason = v2_reason

    def response(self) -> JsonResponse:
        return error_response(self.status, self.code, self.message, headers=self.headers)


def error_response(
    status: int, code: int | None, message: str, *, headers: dict[str, str] | None = None
) -> JsonResponse:
    error: dict[str, object] = {"message": message} if code is None else {"code": code, "message": message}
    response = JsonResponse({"errors": [error]}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- the errors the sandbox answers (§11.2) ----------------------------------------------------
def bad_authentication() -> TwitterError:
    return TwitterError(400, 215, "Bad Authentication data.")


def could_not_authenticate() -> TwitterError:
    return TwitterError(401, 32, "Could not authenticate you.")


def timestamp_out_of_bounds() -> TwitterError:
    return TwitterError(401, 135, "Timestamp out of bounds.")


def invalid_token() -> TwitterError:
    # twitter-api.md §11.2 lists 89 with HTTP 403 "(doc)"; the live API has been seen answering
    # 401. We follow the document the client is written against; clients should key on the code.
    return TwitterError(403, 89, "Invalid or expired token.")


def page_not_found() -> TwitterError:
    return TwitterError(404, 34, "Sorry, that page does not exist.")


def webhook_not_found() -> TwitterError:
    return TwitterError(404, 34, "Webhook does not exist or is associated with a different twitter application.")


def no_dm_permission() -> TwitterError:
    return TwitterError(403, 93, "This application is not allowed to access or delete your direct messages.")


def cannot_write() -> TwitterError:
    return TwitterError(403, 261, "Application cannot perform write actions.")


def credentials_not_allowed() -> TwitterError:
    return TwitterError(403, 220, "Your credentials do not allow access to this resource.")


def missing_parameter(name: str) -> TwitterError:
    # Code 38 is Twitter's "<name> parameter is missing." (not in twitter-api.md's table, which
    # only says "400 on bad params").
    return TwitterError(400, 38, f"{name} parameter is missing.")


def invalid_parameter(name: str, why: str = "") -> TwitterError:
    # Code 44 is Twitter's "<name> parameter is invalid."; the reason is added so a person can act.
    return TwitterError(400, 44, f"{name} parameter is invalid." + (f" {why}" if why else ""))


def rate_limited(*, limit: int, reset: int) -> TwitterError:
    return TwitterError(
        429,
        88,
        "Rate limit exceeded",
        headers={"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )


def dm_refused(reason: str) -> TwitterError:
    """A Direct Message (or welcome message) body the sandbox cannot accept, with the reason."""
    return TwitterError(403, 151, f"There was an error sending your message: {reason}")


def dm_text_too_long() -> TwitterError:
    return TwitterError(403, 354, "The text of your direct message is over the max character limit.")


def media_invalid(message: str = "Media id validation failed.") -> TwitterError:
    return TwitterError(400, 324, message)


def media_not_found() -> TwitterError:
    return TwitterError(400, 325, "A media id was not found.")


def webhook_refused(message: str) -> TwitterError:
    return TwitterError(403, 214, message)


def subscription_limit_reached() -> TwitterError:
    # twitter-api.md gives v1.1 no code of its own for a full subscription allowance; 214 "Too
    # many resources already created." is the documented AAA refusal closest to it (§3.2).
    return TwitterError(403, 214, WEBHOOK_TOO_MANY, v2_reason="SubscriptionLimitExceeded")


def subscription_not_found() -> TwitterError:
    # §3.2: removing a subscription that does not exist is 404 "Sorry, that page does not exist".
    return TwitterError(404, 34, "Sorry, that page does not exist.", v2_reason="SubscriptionNotFound")


# The five 214 messages of §3.2, word for word.
WEBHOOK_URL_INVALID = "Webhook URL does not meet the requirements."
WEBHOOK_TOO_MANY = "Too many resources already created."
WEBHOOK_CRC_INVALID = "Webhook URL does not meet the requirements. Invalid CRC token or json response format."
WEBHOOK_CRC_SLOW = "High latency on CRC GET request. Your webhook should respond in less than 3 seconds."
WEBHOOK_CRC_NON_200 = "Non-200 response code during CRC GET request (i.e. 404, 500, etc)."

DEFAULT_FAULT_ERRORS: dict[int, tuple[int, str]] = {
    400: (215, "Bad Authentication data."),
    401: (32, "Could not authenticate you."),
    403: (87, "Client is not permitted to perform this action."),
    404: (34, "Sorry, that page does not exist."),
    409: (355, "Subscription already exists."),
    429: (88, "Rate limit exceeded"),
    500: (131, "Internal error"),
    502: (130, "Over capacity"),
    503: (130, "Over capacity"),
    504: (130, "Over capacity"),
}
