"""Who may call the API: a live token acts as its member in its brand; nothing else gets in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import ApiToken, Membership
from accounts.services import api_token_create
from tests.api.conftest import Api, error_fields

pytestmark = pytest.mark.django_db

CONVERSATIONS = "/api/v1/conversations"


def test_a_request_without_a_token_is_refused_with_a_bearer_challenge(client, conversation):
    response = client.get(CONVERSATIONS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.json()["detail"]
    assert error_fields(response) == {}


@pytest.mark.parametrize(
    "authorization",
    ["Bearer roost_not-a-real-token", "Bearer ", "Token roost_whatever", "roost_whatever", "Basic YWxpY2U6cHc="],
)
def test_an_unknown_or_malformed_token_is_refused(client, conversation, authorization):
    response = client.get(CONVERSATIONS, headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(api_as, bob, conversation):
    api = api_as(bob)
    assert api.get("/conversations").status_code == 200

    ApiToken.objects.update(revoked_at=timezone.now())

    response = api.get("/conversations")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_removed_members_token_stops_working(api_as, bob, conversation):
    api = api_as(bob)
    Membership.objects.filter(user=bob).delete()

    assert api.get("/conversations").status_code == 401


def test_a_token_records_when_it_was_last_used(api_as, bob):
    api_as(bob).get("/accounts")

    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_acts_as_its_member_assignee_me_is_that_member(api_as, alice, bob, account_a):
    from tests.factories import ConversationFactory

    bobs = ConversationFactory(account=account_a, assignee=bob)
    ConversationFactory(account=account_a, assignee=alice)

    listed = api_as(bob).get("/conversations", {"assignee": "me"}).json()["results"]

    assert [item["id"] for item in listed] == [str(bobs.public_id)]


class TestTwoFactorRequired:
    @pytest.fixture(autouse=True)
    def brand_requires_mfa(self, brand_a):
        brand_a.require_mfa = True
        brand_a.save()

    def test_a_member_without_two_factor_is_refused_with_the_reason(self, api_as, bob, conversation):
        response = api_as(bob).get("/conversations")

        assert response.status_code == 403
        assert "two-factor" in response.json()["detail"]
        assert "Acme" in response.json()["detail"]

    def test_a_member_with_two_factor_gets_in(self, api_as, bob, conversation):
        TOTP.activate(bob, generate_totp_secret())

        assert api_as(bob).get("/conversations").status_code == 200

    def test_a_session_cookie_alongside_the_token_gets_json_not_a_redirect(self, api_as, client, bob, conversation):
        client.force_login(bob)  # the same browser is signed in to the dashboard

        response = api_as(bob).get("/conversations")

        assert response.status_code == 403
        assert response["Content-Type"].startswith("application/json")

    def test_another_brand_not_requiring_it_is_unaffected(self, outsider):
        assert outsider.get("/conversations").status_code == 200


class TestRateLimit:
    @pytest.fixture(autouse=True)
    def limit(self, settings):
        settings.API_RATE_LIMIT_PER_MINUTE = 3

    def test_past_the_limit_a_token_gets_429_with_retry_after_until_the_minute_ends(self, api_as, bob):
        api = api_as(bob)
        with time_machine.travel(datetime(2030, 1, 1, 12, 0, 40, tzinfo=UTC), tick=False) as traveller:
            assert [api.get("/accounts").status_code for _ in range(3)] == [200, 200, 200]

            refused = api.get("/accounts")
            assert refused.status_code == 429
            assert refused["Retry-After"] == "20"
            assert "3 requests" in refused.json()["detail"]

            traveller.shift(timedelta(seconds=19))
            assert api.get("/accounts").status_code == 429

            traveller.shift(timedelta(seconds=1))
            assert api.get("/accounts").status_code == 200

    def test_each_token_has_its_own_budget(self, api_as, bob, alice):
        bobs, alices = api_as(bob), api_as(alice)
        with time_machine.travel(datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC), tick=False):
            for _ in range(3):
                bobs.get("/accounts")
            assert bobs.get("/accounts").status_code == 429

            assert alices.get("/accounts").status_code == 200

    def test_two_tokens_of_one_member_are_counted_apart(self, client, bob):
        membership = bob.memberships.get()
        first = Api(client, api_token_create(membership=membership, name="one").secret)
        second = Api(client, api_token_create(membership=membership, name="two").secret)
        with time_machine.travel(datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC), tick=False):
            for _ in range(4):
                first.get("/accounts")

            assert second.get("/accounts").status_code == 200

    def test_the_limit_is_a_setting(self, api_as, bob, settings):
        settings.API_RATE_LIMIT_PER_MINUTE = 5
        api = api_as(bob)
        with time_machine.travel(datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC), tick=False):
            assert [api.get("/accounts").status_code for _ in range(6)] == [200] * 5 + [429]

    def test_with_the_cache_down_requests_are_served_uncounted(self, api_as, bob, monkeypatch):
        # Redis holds the counters; an outage must not turn every API call (replies included)
        # into a 500 while the rows they write are perfectly safe in PostgreSQL.
        from redis.exceptions import ConnectionError as RedisConnectionError

        from engagement.api import auth

        class Unreachable:
            def __getattr__(self, name):
                def refuse(*args, **kwargs):
                    raise RedisConnectionError("Error 111 connecting to redis:6379. Connection refused.")

                return refuse

        monkeypatch.setattr(auth, "cache", Unreachable())
        api = api_as(bob)

        assert [api.get("/accounts").status_code for _ in range(5)] == [200] * 5


def test_a_session_does_not_authenticate_the_api(client, bob, conversation):
    # Only tokens: a browser's cookies must not let a third-party page call the API as its user.
    client.force_login(bob)

    assert client.get(CONVERSATIONS).status_code == 401


def test_an_unknown_path_or_method_answers_json(api_as, bob):
    api = api_as(bob)

    missing = api.get("/no-such-thing")
    assert missing.status_code == 404
    assert error_fields(missing) == {}

    not_allowed = api.client.delete("/api/v1/media", headers={"Authorization": f"Bearer {api.secret}"})
    assert not_allowed.status_code == 405
    assert not_allowed["Allow"] == "POST"
    assert error_fields(not_allowed) == {}
