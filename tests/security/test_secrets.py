"""Secrets (Twitter tokens, the app's keys, passwords in service URLs) never reach the logs,
an error report or the admin."""

from __future__ import annotations

import logging
import sys

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from accounts.models import ApiToken, TwitterAccount
from accounts.services import api_token_create, twitter_account_credentials
from engagement.services.replies import conversation_reply
from tests.factories import TwitterAccountFactory, UserFactory
from tests.helpers import wait_until

pytestmark = pytest.mark.django_db


@pytest.mark.worker
def test_a_full_send_logs_no_secret(wired, celery_worker, caplog, settings):
    caplog.set_level(logging.DEBUG)
    message = conversation_reply(conversation=wired.conversation, author=None, text="Hello")
    wait_until(lambda: type(message).objects.get(pk=message.pk).status == "sent", what="the send")
    secrets = {
        "access token secret": str(wired.account.access_token_secret),
        "consumer secret": settings.TWITTER_CONSUMER_SECRET,
        "bearer token": settings.TWITTER_BEARER_TOKEN,
        "encryption key": settings.TOKEN_ENCRYPTION_KEYS[0],
    }
    assert caplog.records, "nothing was logged: the check would prove nothing"
    for name, secret in secrets.items():
        assert secret and secret not in caplog.text, f"the {name} was logged"


def test_the_admin_never_shows_a_token(client):
    account = TwitterAccountFactory(access_token="123-VisibleAccessToken", access_token_secret="TopSecretValue123456")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        reverse("admin:accounts_twitteraccount_changelist"),
        reverse("admin:accounts_twitteraccount_change", args=[account.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert "TopSecretValue123456" not in page.text
        assert "VisibleAccessToken" not in page.text


def test_an_api_token_is_shown_once_and_stored_only_as_a_hash(alice, brand_a, client):
    issued = api_token_create(membership=alice.memberships.get(), name="CI")
    stored = ApiToken.objects.get()
    assert issued.secret not in str(stored.__dict__)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:accounts_apitoken_change", args=[stored.pk]))
    assert page.status_code == 200 and issued.secret not in page.text


@pytest.fixture
def secrets_in_play(settings) -> dict[str, str]:
    """A Redis, broker and cache password in their URLs and a brand's token secret, built here so
    neither the test's source lines nor its locals (both in the report) hold them."""
    password, token_secret = "hunter" + "2", "TopSecret" + "Value123456"
    settings.REDIS_URL = f"redis://:{password}@cache.internal:6379/0"
    settings.CELERY_BROKER_URL = f"amqp://roost:{password}@mq.internal:5672//"
    settings.CACHES = {"default": {"BACKEND": "x", "LOCATION": f"redis://:{password}@cache.internal:6379/1"}}
    TwitterAccountFactory(screen_name="secretive", access_token_secret=token_secret)
    return {"password": password, "token secret": token_secret}


def error_report(failing, *args) -> tuple[str, str]:  # noqa: ANN001
    try:
        failing(*args)
    except RuntimeError:
        report = ExceptionReporter(RequestFactory().get("/"), *sys.exc_info())
        return report.get_traceback_html(), report.get_traceback_text()
    raise AssertionError("it did not fail")


def test_an_error_report_hides_secrets_in_settings_and_in_the_failing_frame(settings, secrets_in_play):
    settings.DEBUG = True

    def send_with(credentials):  # the kind of frame a Twitter failure happens in
        raise RuntimeError("Twitter said no")

    account = TwitterAccount.objects.get(screen_name="secretive")
    html, text = error_report(send_with, twitter_account_credentials(account))
    hidden = {**secrets_in_play, "consumer secret": settings.TWITTER_CONSUMER_SECRET, "key": settings.SECRET_KEY}
    for name, secret in hidden.items():
        assert secret not in html and secret not in text, f"the {name} is in the report"
    assert "cache.internal" in html and "send_with" in html  # what there is to debug with stays


@pytest.mark.urls("tests.security.failing_urls")
def test_the_production_error_page_is_generic(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/fail")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert settings.TWITTER_CONSUMER_SECRET not in response.text and "Traceback" not in response.text
