"""Schemathesis against /api/v1/openapi.json: whatever it generates from the schema, the API never
answers 500 and every response matches what the schema promises (status, content type, body).

The calls go through the real WSGI application inside the test's transaction, as alice (an owner:
she may call every operation), with path ids that exist half of the time so the successful
responses are checked too, not only the 404s.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_create
from engagement.models import CannedResponse
from tests.factories import CustomProfileFactory

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded at import (pytest-django has set Django up by then): the schema is served without a
# token and without the database. One test per operation comes out of it.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def requests_keep_the_test_transaction(private_files):
    """As Django's test client does: a request must not close the connection that holds the
    test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def brand_data(alice, conversation, account_a) -> dict[str, str]:
    """Real ids of brand A, for path parameters the generator would otherwise never hit."""
    CannedResponse.objects.create(brand=account_a.brand, shortcut="parcel", title="Parcel", text="On its way!")
    profile = CustomProfileFactory(account=account_a)
    token = api_token_create(membership=alice.memberships.get(), name="schemathesis").secret
    return {
        "token": token,
        "conversation_id": str(conversation.public_id),
        "contact_id": str(conversation.contact.public_id),
        "custom_profile_id": str(profile.public_id),
    }


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_response_matches_the_schema_and_none_is_a_500(case, brand_data):
    parameters = case.path_parameters or {}
    for name, generated in parameters.items():
        # Half of the generated ids become real ones, chosen from the generated value itself so
        # the example stays deterministic and Hypothesis can still shrink a failure.
        if name in brand_data and zlib.crc32(str(generated).encode()) % 2 == 0:
            parameters[name] = brand_data[name]
    case.call_and_validate(headers={"Authorization": f"Bearer {brand_data['token']}"}, checks=CHECKS)
