"""The floor to compare the webhook with: a WSGI app that only checks the signature.

Run under the same gunicorn settings as Roost by bench/ingest.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

SECRET = os.environ.get("TWITTER_CONSUMER_SECRET", "").encode()


def application(environ, start_response):  # noqa: ANN001, ANN201
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    expected = "sha256=" + base64.b64encode(hmac.new(SECRET, body, hashlib.sha256).digest()).decode()
    given = environ.get("HTTP_X_TWITTER_WEBHOOKS_SIGNATURE", "")
    status = "200 OK" if hmac.compare_digest(expected, given) else "403 Forbidden"
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]
