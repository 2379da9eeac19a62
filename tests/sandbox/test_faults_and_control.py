"""Fault injection (services and the HTTP control API), and resetting the sandbox."""

from __future__ import annotations

import pytest
import requests
from django.conf import settings

from sandbox.models import SandboxDirectMessage, SandboxFault, SandboxUser
from sandbox.services import SandboxInputError, customer_send_dm, fault_inject, faults_clear, sandbox_reset


def send(twitter, auth, recipient, text="Hi"):
    event = {
        "type": "message_create",
        "message_create": {"target": {"recipient_id": str(recipient.id)}, "message_data": {"text": text}},
    }
    return twitter.call("POST", "direct_messages/events/new.json", auth=auth, json={"event": event})


def test_the_next_n_calls_fail_then_the_endpoint_works_again(twitter, brand_auth, customer):
    fault_inject(endpoint="POST direct_messages/events/new", count=2, status=503)
    for _ in range(2):
        failed = send(twitter, brand_auth, customer)
        assert failed.status_code == 503
        assert failed.json() == {"errors": [{"code": 130, "message": "Over capacity"}]}
    assert send(twitter, brand_auth, customer).status_code == 200
    assert SandboxDirectMessage.objects.count() == 1
    assert not SandboxFault.objects.exists()


def test_a_fault_carries_the_given_code_and_message(twitter, brand_auth, customer):
    fault_inject(
        endpoint="/1.1/direct_messages/events/new.json",
        status=403,
        code=349,
        message="You cannot send messages to this user.",
    )
    response = send(twitter, brand_auth, customer)
    assert response.json() == {"errors": [{"code": 349, "message": "You cannot send messages to this user."}]}


def test_an_injected_429_has_rate_limit_headers(twitter, brand_auth, customer):
    fault_inject(endpoint="POST direct_messages/events/new", status=429, rate_limit_reset=2000000000)
    response = send(twitter, brand_auth, customer)
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == 88
    assert response.headers["x-rate-limit-reset"] == "2000000000"
    assert response.headers["x-rate-limit-remaining"] == "0"


def test_a_fault_only_matches_its_method_and_endpoint(twitter, brand_auth, customer):
    fault_inject(endpoint="GET direct_messages/events/list", status=500)
    assert send(twitter, brand_auth, customer).status_code == 200
    listed = twitter.call("GET", "direct_messages/events/list.json", auth=brand_auth)
    assert listed.json() == {"errors": [{"code": 131, "message": "Internal error"}]}


def test_a_parameterised_endpoint_matches_its_template(twitter, db):
    fault_inject(endpoint="GET account_activity/all/:env_name/webhooks", status=500)
    assert twitter.call("GET", "account_activity/all/prod/webhooks.json", bearer=True).status_code == 500


def test_a_delay_only_fault_slows_the_call_down_and_lets_it_through(twitter, brand_auth, customer):
    fault_inject(endpoint="POST direct_messages/events/new", status=None, delay_seconds=0.3)
    response = send(twitter, brand_auth, customer)
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.3


def test_a_delayed_call_can_time_the_client_out(twitter, brand_auth, customer):
    fault_inject(endpoint="POST direct_messages/events/new", status=503, delay_seconds=1)
    event = {
        "type": "message_create",
        "message_create": {"target": {"recipient_id": str(customer.id)}, "message_data": {"text": "x"}},
    }
    with pytest.raises(requests.Timeout):
        requests.post(
            twitter.url("direct_messages/events/new.json"),
            json={"event": event},
            auth=twitter.signed(*brand_auth),
            timeout=0.2,
        )


def test_bad_fault_definitions_are_refused(db):
    with pytest.raises(SandboxInputError):
        fault_inject(endpoint="FETCH direct_messages", status=500)
    with pytest.raises(SandboxInputError):
        fault_inject(endpoint="POST direct_messages/events/new", status=200)
    with pytest.raises(SandboxInputError):
        fault_inject(endpoint="POST direct_messages/events/new", status=None)
    assert not SandboxFault.objects.exists()


def test_faults_clear(db):
    fault_inject(endpoint="POST statuses/update", status=500, count=5)
    assert faults_clear() == 1
    assert not SandboxFault.objects.exists()


# --- the control API ----------------------------------------------------------------------------
def control(twitter, method, path, **kwargs):
    headers = {"Authorization": f"Bearer {settings.TWITTER_BEARER_TOKEN}"}
    return requests.request(method, f"{twitter.base}/sandbox/control/{path}", headers=headers, timeout=10, **kwargs)


def test_the_control_api_needs_the_bearer_token(twitter, db):
    assert requests.get(f"{twitter.base}/sandbox/control/faults", timeout=10).status_code == 400
    wrong = requests.get(f"{twitter.base}/sandbox/control/faults", headers={"Authorization": "Bearer x"}, timeout=10)
    assert (wrong.status_code, wrong.json()["errors"][0]["code"]) == (403, 89)


def test_faults_over_http(twitter, brand_auth, customer):
    created = control(
        twitter, "POST", "faults", json={"endpoint": "POST direct_messages/events/new", "status": 500, "count": 1}
    )
    assert created.status_code == 201
    assert created.json()["fault"]["remaining"] == 1
    assert control(twitter, "GET", "faults").json()["faults"][0]["endpoint"] == "POST direct_messages/events/new"
    assert send(twitter, brand_auth, customer).status_code == 500
    control(twitter, "POST", "faults", json={"endpoint": "POST direct_messages/events/new", "status": 500})
    assert control(twitter, "DELETE", "faults").status_code == 204
    assert send(twitter, brand_auth, customer).status_code == 200


def test_a_bad_fault_over_http_is_400_with_the_reason(twitter, db):
    response = control(twitter, "POST", "faults", json={"endpoint": "POST x", "status": 302})
    assert response.status_code == 400
    assert "4xx or 5xx" in response.json()["errors"][0]["message"]


def test_users_and_customer_messages_over_http(twitter, brand):
    created = control(twitter, "POST", "users", json={"screen_name": "drill_customer", "name": "Drill"})
    assert created.status_code == 201
    body = created.json()
    assert body["access_token"].startswith(body["user"]["id_str"] + "-")
    sent = control(
        twitter,
        "POST",
        "messages",
        json={"sender_id": body["user"]["id_str"], "recipient_id": str(brand.id), "text": "Hi"},
    )
    assert sent.status_code == 201
    assert sent.json()["event"]["message_create"]["source_app_id"] == "3033300"


def test_the_control_api_refuses_text_the_database_cannot_store(twitter, brand, customer):
    message = {"sender_id": str(customer.id), "recipient_id": str(brand.id), "text": "Hi \ud83d"}
    response = control(twitter, "POST", "messages", json=message)
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"][0]["message"]
    assert not SandboxDirectMessage.objects.exists()


def test_reset_forgets_activity_and_keeps_accounts(twitter, brand, customer):
    customer_send_dm(sender=customer, recipient=brand, text="Hi")
    fault_inject(endpoint="POST statuses/update", status=500)
    assert control(twitter, "POST", "reset", json={}).status_code == 204
    assert not SandboxDirectMessage.objects.exists()
    assert not SandboxFault.objects.exists()
    assert SandboxUser.objects.filter(pk=brand.pk).exists()


def test_reset_everything_brings_back_only_the_app_owner(brand):
    sandbox_reset(everything=True)
    assert not SandboxUser.objects.exists()
    from sandbox.services import sandbox_bootstrap

    assert sandbox_bootstrap().screen_name == "roost_demo"
