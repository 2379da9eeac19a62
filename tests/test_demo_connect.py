"""`make run` → `seed_demo` → the `demo_connect` task: the demo brand's sandbox account ends up
registered and subscribed, a failed step is tried again, and giving up says what to run."""

from __future__ import annotations

import logging

import pytest

from accounts import demo
from accounts.demo import DemoRetry, demo_connect_attempt, demo_seed
from accounts.models import TwitterAccount
from accounts.tasks import demo_connect
from config.queue import enqueue_now
from sandbox import errors
from sandbox.models import SandboxSubscription, SandboxWebhook
from sandbox.services import fault_inject
from tests.helpers import wait_until
from webhooks.models import WebhookRegistration

pytestmark = pytest.mark.django_db(transaction=True)
REGISTER = "POST account_activity/all/:env_name/webhooks"  # its v2 twin (POST 2/webhooks) fails alike


@pytest.fixture
def seeded(sandbox, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # where the demo keeps its printed password
    return demo_seed(new_password="demo-password-123")


def demo_account(seeded) -> TwitterAccount | None:
    return TwitterAccount.objects.filter(brand=seeded.brand).first()


def subscribed(seeded) -> bool:
    account = demo_account(seeded)
    return account is not None and account.subscription_state == TwitterAccount.SubscriptionState.SUBSCRIBED


@pytest.mark.worker
def test_the_demo_ends_up_registered_and_subscribed(seeded, celery_worker, settings):
    assert enqueue_now(demo_connect)
    wait_until(lambda: subscribed(seeded), timeout=30, what="the demo account to be subscribed")
    account = demo_account(seeded)
    assert WebhookRegistration.objects.get().url == f"{settings.PUBLIC_URL}/webhooks/twitter/"
    assert SandboxWebhook.objects.get().url == f"{settings.PUBLIC_URL}/webhooks/twitter/"
    assert list(SandboxSubscription.objects.values_list("user_id", flat=True)) == [int(account.twitter_user_id)]


@pytest.mark.worker
def test_a_registration_refused_while_the_server_warms_up_is_tried_again(seeded, celery_worker, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_RETRY_BACKOFF_SECONDS", (0.1, 0.1, 0.1, 0.1))
    fault_inject(endpoint=REGISTER, count=2, status=403, code=214, message=errors.WEBHOOK_CRC_SLOW)
    assert enqueue_now(demo_connect)
    wait_until(lambda: subscribed(seeded), timeout=30, what="the demo account to be subscribed after two refusals")
    assert SandboxWebhook.objects.count() == 1


def test_a_failed_step_is_tried_again_after_a_short_pause(seeded, caplog):
    fault_inject(endpoint=REGISTER, status=403, code=214, message=errors.WEBHOOK_CRC_SLOW)
    with caplog.at_level(logging.WARNING, logger="accounts.demo"):
        retry = demo_connect_attempt(waits=3, failures=0)
    assert retry == DemoRetry(countdown=demo.DEMO_RETRY_BACKOFF_SECONDS[0], waits=3, failures=1)
    assert "registering the webhook failed" in caplog.text
    assert "longer than 3 seconds" in caplog.text
    assert demo_account(seeded) is None
    assert demo_connect_attempt(waits=3, failures=1) is None  # the fault is used up: connected now
    assert subscribed(seeded)


def test_it_gives_up_after_the_last_retry_and_says_what_to_run_by_hand(seeded, caplog):
    fault_inject(endpoint=REGISTER, status=403, code=214, message=errors.WEBHOOK_CRC_SLOW)
    last = len(demo.DEMO_RETRY_BACKOFF_SECONDS)
    with caplog.at_level(logging.ERROR, logger="accounts.demo"):
        assert demo_connect_attempt(failures=last) is None
    given_up = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(given_up) == 1
    said = given_up[0].getMessage()
    assert f"gave up connecting the sandbox demo account after {last + 1} attempts" in said
    assert "`manage.py twitter_webhook register`, then `manage.py seed_demo`" in said
    assert demo_account(seeded) is None


def test_a_failed_subscription_names_the_command_that_subscribes_the_account(seeded, settings, caplog):
    settings.SANDBOX_SUBSCRIPTION_LIMIT = 0
    with caplog.at_level(logging.ERROR, logger="accounts.demo"):
        assert demo_connect_attempt(failures=len(demo.DEMO_RETRY_BACKOFF_SECONDS)) is None
    account = demo_account(seeded)
    assert account.subscription_state == TwitterAccount.SubscriptionState.FAILED
    assert f"manage.py twitter_subscription add --account {account.screen_name} --brand demo" in caplog.text


def test_while_the_server_does_not_answer_it_waits_then_gives_up(seeded, settings, caplog):
    settings.PUBLIC_URL = "http://127.0.0.1:9"  # nothing listens there
    assert demo_connect_attempt(waits=0) == DemoRetry(countdown=demo.DEMO_SERVER_WAIT_SECONDS, waits=1, failures=0)
    with caplog.at_level(logging.ERROR, logger="accounts.demo"):
        assert demo_connect_attempt(waits=demo.DEMO_SERVER_WAITS) is None
    assert "Roost did not answer at http://127.0.0.1:9/healthz" in caplog.text
    assert "`manage.py seed_demo`" in caplog.text
