"""The OpenAPI schema the code generates, and no input, however odd, reaching a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_messages import MESSAGE_FIELDS

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"

# design.md, "Contracts": every path and method of the REST API.
CONTRACT = {
    "/api/v1/accounts": {"get"},
    "/api/v1/conversations": {"get"},
    "/api/v1/conversations/{conversation_id}": {"get", "patch"},
    "/api/v1/conversations/{conversation_id}/messages": {"get", "post"},
    "/api/v1/media": {"post"},
    "/api/v1/media/{media_id}": {"get"},
    "/api/v1/contacts/{contact_id}": {"get"},
    "/api/v1/custom-profiles": {"get", "post"},
    "/api/v1/canned-responses": {"get"},
}


@pytest.fixture
def schema(client) -> dict[str, Any]:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_schema_is_served_without_a_token_and_lists_the_contracts_paths(schema):
    assert schema["openapi"].startswith("3.")
    assert {path: set(operations) for path, operations in schema["paths"].items()} == CONTRACT


def test_every_operation_requires_the_bearer_token_and_documents_its_refusals(schema):
    [(scheme_name, scheme)] = schema["components"]["securitySchemes"].items()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{scheme_name: []}], (method, path)
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)


def test_every_reference_in_the_schema_resolves(schema):
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if "$ref" in node else []
            return own + [ref for value in node.values() for ref in refs(value)]
        if isinstance(node, list):
            return [ref for value in node for ref in refs(value)]
        return []

    found = refs(schema)
    assert found
    for ref in found:
        node = schema
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]


def test_a_reply_is_documented_as_202_with_the_message_and_the_idempotency_header(schema):
    operation = schema["paths"]["/api/v1/conversations/{conversation_id}/messages"]["post"]
    message_ref = operation["responses"]["202"]["content"]["application/json"]["schema"]["$ref"]
    message = schema["components"]["schemas"][message_ref.rsplit("/", 1)[1]]

    assert set(message["properties"]) == MESSAGE_FIELDS
    assert {"name": "Idempotency-Key", "in": "header"}.items() <= operation["parameters"][-1].items()
    body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][body_ref.rsplit("/", 1)[1]]
    assert set(body["properties"]) == {"text", "quick_replies", "buttons", "custom_profile_id", "media_id"}
    assert "Left out: the member's default" in body["properties"]["custom_profile_id"]["description"]


def test_media_upload_is_documented_as_multipart_with_a_file(schema):
    operation = schema["paths"]["/api/v1/media"]["post"]

    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "201" in operation["responses"]


def test_the_docs_page_is_served(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert SCHEMA_URL in response.text


# -- odd input -----------------------------------------------------------------------------

odd_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["me", "none", "", "0", "-1", "101", "2030-13-45", "00000000-0000-0000-0000-000000000000"]),
)
# JSON strings may hold what the database cannot store: NUL, and lone surrogates (from "\ud800").
json_text = st.text(st.characters(categories=["L", "N", "P", "S", "Z", "Cc", "Cs"]), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | json_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(json_text, children, max_size=3),
    max_leaves=8,
)
reply_like = st.fixed_dictionaries(
    {},
    optional={
        "text": json_values,
        "quick_replies": json_values,
        "buttons": json_values,
        "custom_profile_id": json_values,
        "media_id": json_values,
    },
)
change_like = st.fixed_dictionaries(
    {}, optional={"status": json_values, "assignee": json_values, "labels": json_values}
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_handled(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "errors"}


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["status", "assignee", "q", "label", "account", "kind", "updated_after", "cursor", "limit"]),
        odd_text,
    )
)
def test_no_query_reaches_a_500(api_as, bob, conversation, params):
    assert_handled(api_as(bob).get("/conversations", params))


@FUZZ
@given(
    body=st.one_of(reply_like, json_values),
    key=st.one_of(st.none(), st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=140)),
)
def test_no_reply_body_reaches_a_500(api_as, bob, conversation, body, key):
    headers = {"Idempotency-Key": key} if key is not None else {}
    assert_handled(api_as(bob).post(f"/conversations/{conversation.public_id}/messages", body, **headers))


@FUZZ
@given(body=st.one_of(change_like, json_values))
def test_no_change_reaches_a_500(api_as, bob, conversation, body):
    assert_handled(api_as(bob).patch(f"/conversations/{conversation.public_id}", body))


@FUZZ
@given(
    conversation_id=st.text(
        alphabet=st.characters(blacklist_characters="/?#%", blacklist_categories=["Cs"]), min_size=1, max_size=40
    )
)
def test_no_path_id_reaches_a_500(api_as, bob, conversation_id):
    from urllib.parse import quote

    response = api_as(bob).get(f"/conversations/{quote(conversation_id)}")
    assert response.status_code == 404
    assert_handled(response)
