"""``/webhooks/twitter/``: Twitter's CRC (GET) and signed Account Activity events (POST)."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from config.text import is_ascii_digits
from webhooks.services.intake import IntakeUnavailable, webhook_event_store
from webhooks.signatures import SIGNATURE_HEADER, crc_response_token, crc_token_is_acceptable, signature_is_valid

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


@csrf_exempt
@require_http_methods(["GET", "POST"])
def twitter_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _answer_crc(request)
    return receive_event(request)


def _answer_crc(request: HttpRequest) -> HttpResponse:
    """Answered from memory: no database, no network, so it is always fast."""
    crc_token = request.GET.get("crc_token")
    if crc_token is None:
        return HttpResponseBadRequest("crc_token is missing", content_type="text/plain")
    if not crc_token_is_acceptable(crc_token):
        return HttpResponseBadRequest("crc_token is not acceptable", content_type="text/plain")
    return JsonResponse({"response_token": crc_response_token(settings.TWITTER_CONSUMER_SECRET, crc_token)})


def receive_event(request: HttpRequest) -> HttpResponse:
    """A signed delivery: checked, stored and answered (also called by the WSGI fast path)."""
    length = request.META.get("CONTENT_LENGTH")
    if length and not is_ascii_digits(length):
        # Not a length ("²", thousands of digits): Django's own reading of the body would fail
        # with a 500. Nothing is stored.
        return HttpResponse("Content-Length must be a number.", status=400, content_type="text/plain")
    if length and int(length) > MAX_BODY_BYTES:
        return HttpResponse(status=413)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return HttpResponse(status=413)
    if not signature_is_valid(settings.TWITTER_CONSUMER_SECRET, body, request.headers.get(SIGNATURE_HEADER)):
        logger.warning("webhook event refused: missing or wrong signature")
        return HttpResponse(status=403)
    try:
        text = body.decode("utf-8")
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        logger.warning("webhook event refused: signed body is not valid JSON (%d bytes)", len(body))
        return HttpResponseBadRequest("invalid JSON", content_type="text/plain")
    try:
        event = webhook_event_store(body=text, payload=payload)
    except IntakeUnavailable:
        logger.exception("webhook event NOT stored; answering 500 so Twitter delivers it again")
        return HttpResponse(status=500)
    logger.info("webhook event stored", extra={"event": event.public_id, "types": event.event_types})
    return HttpResponse(status=200)
