"""The REST API at ``/api/v1/`` (design.md, "Contracts"), generated into OpenAPI by django-ninja.

Endpoints are thin: they authenticate the token (``auth``), read through the selectors, write
through the services, and shape JSON with ``schemas``. Errors, whatever raised them, answer
``{"detail": ..., "errors": {field: [...]}}`` (``errors``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from engagement.api import accounts, canned_responses, contacts, conversations, custom_profiles, media
from engagement.api.auth import ApiTokenAuth
from engagement.api.errors import install

DESCRIPTION = """\
Roost's REST API. Authenticate with a member's API token: `Authorization: Bearer roost_…`
(create one on the Settings page, or `python manage.py create_api_token SLUG`). A token acts as
its member, in its brand.

Ids are UUIDs. Lists answer `{"results": [...], "next": URL or null}`; follow `next` for the
next page. Errors answer `{"detail": "...", "errors": {"field": ["reason"]}}`: 400 for invalid
input, 401 for a missing or unknown token, 403 when the brand requires two-factor
authentication the member has not set up, 404 for anything not in the token's brand, 429 past
the per-token rate limit (see `Retry-After`).
"""


class _Encoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        # Django's encoder drops microseconds; a client passing back an ``updated_at`` as
        # ``updated_after`` would then get the same conversation again, forever.
        if isinstance(o, datetime):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


class _Renderer(JSONRenderer):
    encoder_class = _Encoder


api = NinjaAPI(
    title="Roost REST API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=ApiTokenAuth(),
    renderer=_Renderer(),
)
install(api)
api.add_router("/accounts", accounts.router)
api.add_router("/conversations", conversations.router)
api.add_router("/media", media.router)
api.add_router("/contacts", contacts.router)
api.add_router("/custom-profiles", custom_profiles.router)
api.add_router("/canned-responses", canned_responses.router)
