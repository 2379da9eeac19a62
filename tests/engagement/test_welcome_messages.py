"""Welcome messages made in the admin reach Twitter (the sandbox, over real HTTP) through a real
Celery worker: created, replaced as a whole, deleted, made the default, and refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import TwitterAccount
from config.celery import app as celery_app
from engagement.models import WelcomeMessage, WelcomeMessageRule
from engagement.selectors import welcome_message_links
from engagement.services.welcome import welcome_sync_sweep
from sandbox.models import SandboxMedia, SandboxThreadState, SandboxWelcomeMessage, SandboxWelcomeMessageRule
from sandbox.services import fault_inject, sandbox_user_create, user_revoke_app
from tests.engagement.support import admin_url, gone, png, settled
from tests.helpers import wait_until
from tests.sandbox.support import PNG_1x1

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.needs_wire("welcome_messages")]

ADD = {"name": "spring welcome", "text": "Hi! How can we help?", "quick_replies": "", "buttons": ""}


@pytest.fixture
def admin(client, alice):
    client.force_login(alice)
    return client


def create(admin, account, **fields) -> WelcomeMessage:
    response = admin.post(admin_url(WelcomeMessage, "add"), {"account": account.pk, **ADD, **fields})
    assert response.status_code == 302, response.context["adminform"].form.errors
    return WelcomeMessage.objects.latest("pk")


def edit(admin, message: WelcomeMessage, **fields) -> None:
    data = {
        "name": message.name,
        "text": message.text,
        "quick_replies": "\n".join(option["label"] for option in message.quick_replies),
        "buttons": "\n".join(f"{button['label']} | {button['url']}" for button in message.buttons),
        **fields,
    }
    response = admin.post(admin_url(WelcomeMessage, "change", message.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def act(admin, action: str, *messages: WelcomeMessage, model=WelcomeMessage):
    data = {"action": action, "_selected_action": [message.pk for message in messages]}
    return admin.post(admin_url(model, "changelist"), data, follow=True)


# --- create, replace, delete -----------------------------------------------------------------
def test_a_new_welcome_message_is_created_on_twitter_with_its_options_and_a_shared_image(celery_worker, admin, account):
    message = create(
        admin,
        account,
        quick_replies="Orders | Where is my order? | orders\nReturns | Send something back | returns",
        buttons="Shop | https://example.com/shop",
        image=png(),
    )
    assert message.sync_state == "pending"
    message = settled(WelcomeMessage, message.pk)
    assert (message.sync_state, message.sync_error) == ("synced", "")
    assert message.synced_at is not None
    remote = SandboxWelcomeMessage.objects.get(pk=message.twitter_id)
    assert remote.name == "spring welcome"
    assert remote.message_data["text"] == "Hi! How can we help?"
    assert [o["metadata"] for o in remote.message_data["quick_reply"]["options"]] == ["orders", "returns"]
    assert remote.message_data["ctas"][0]["url"] == "https://example.com/shop"
    assert str(remote.media_id) == message.image_media_id
    assert remote.media.shared and remote.media.media_category == "dm_image"


def test_an_edit_replaces_it_on_twitter_as_a_whole(celery_worker, admin, account):
    message = create(admin, account, quick_replies="Orders\nReturns", buttons="Shop | https://example.com/shop")
    message = settled(WelcomeMessage, message.pk)
    twitter_id = message.twitter_id

    edit(admin, message, text="Hello again", quick_replies="", buttons="")

    message = settled(WelcomeMessage, message.pk)
    assert (message.sync_state, message.twitter_id) == ("synced", twitter_id)
    data = SandboxWelcomeMessage.objects.get(pk=twitter_id).message_data
    assert data["text"] == "Hello again"
    assert "quick_reply" not in data  # removed here, so removed on Twitter
    assert "ctas" not in data


def test_a_changed_image_is_uploaded_again_and_a_removed_one_leaves_twitter(celery_worker, admin, account):
    message = settled(WelcomeMessage, create(admin, account, image=png("first.png")).pk)
    first_media = message.image_media_id

    edit(admin, message, image=png("second.png"))
    message = settled(WelcomeMessage, message.pk)
    assert message.image_media_id not in ("", first_media)
    assert str(SandboxWelcomeMessage.objects.get(pk=message.twitter_id).media_id) == message.image_media_id

    edit(admin, message, **{"image-clear": "on"})
    message = settled(WelcomeMessage, message.pk)
    assert (message.image, message.image_media_id) == ("", "")
    assert SandboxWelcomeMessage.objects.get(pk=message.twitter_id).media is None


def test_an_image_alone_is_a_welcome_message(celery_worker, admin, account):
    message = settled(WelcomeMessage, create(admin, account, text="", image=png()).pk)
    assert message.sync_state == "synced", message.sync_error
    assert SandboxWelcomeMessage.objects.get().media_id is not None


def test_a_rename_alone_is_not_sent_to_twitter(celery_worker, admin, account):
    message = settled(WelcomeMessage, create(admin, account).pk)
    edit(admin, message, name="renamed")
    message.refresh_from_db()
    assert (message.name, message.sync_state) == ("renamed", "synced")  # update replaces message_data only


def test_deleting_it_deletes_it_on_twitter_then_here(celery_worker, admin, account):
    message = settled(WelcomeMessage, create(admin, account).pk)
    response = admin.post(admin_url(WelcomeMessage, "delete", message.pk), {"post": "yes"}, follow=True)
    assert "is being deleted on Twitter" in response.text
    gone(WelcomeMessage, message.pk)
    assert not SandboxWelcomeMessage.objects.exists()


def test_a_refused_delete_keeps_the_row_as_failed_and_sync_again_deletes_it(celery_worker, admin, account):
    message = settled(WelcomeMessage, create(admin, account).pk)
    fault_inject(endpoint="DELETE direct_messages/welcome_messages/destroy", status=403, code=261)

    confirmed = admin.post(
        admin_url(WelcomeMessage, "changelist"),
        {"action": "delete_selected", "_selected_action": [message.pk], "post": "yes"},
        follow=True,
    )
    assert "leave the list once Twitter confirms" in confirmed.text
    message = settled(WelcomeMessage, message.pk)
    assert message.sync_state == "failed"
    assert message.sync_error.startswith("Not deleted on Twitter: Twitter refused")
    assert "code 261" in message.sync_error
    assert SandboxWelcomeMessage.objects.filter(pk=message.twitter_id).exists()

    act(admin, "sync_again", message)
    gone(WelcomeMessage, message.pk)
    assert not SandboxWelcomeMessage.objects.exists()


# --- the default rule ------------------------------------------------------------------------
def test_make_default_leaves_exactly_one_rule_on_twitter(celery_worker, admin, account):
    spring = settled(WelcomeMessage, create(admin, account, name="spring").pk)
    summer = settled(WelcomeMessage, create(admin, account, name="summer").pk)

    act(admin, "make_default", spring)
    wait_rule = settled(WelcomeMessageRule, WelcomeMessageRule.objects.get().pk)
    assert wait_rule.welcome_message == spring
    act(admin, "make_default", summer)
    rule = settled(WelcomeMessageRule, WelcomeMessageRule.objects.get().pk)

    assert (rule.sync_state, rule.welcome_message) == ("synced", summer)
    remote = SandboxWelcomeMessageRule.objects.get()  # exactly one
    assert str(remote.welcome_message_id) == summer.twitter_id
    assert rule.twitter_id == str(remote.id)
    listing = admin.get(admin_url(WelcomeMessage, "changelist")).text
    assert listing.count("<strong>Default</strong>") == 1


def test_removing_the_default_removes_the_rule_on_twitter(celery_worker, admin, account):
    message = settled(WelcomeMessage, create(admin, account).pk)
    act(admin, "make_default", message)
    rule = settled(WelcomeMessageRule, WelcomeMessageRule.objects.get().pk)
    admin.post(admin_url(WelcomeMessageRule, "delete", rule.pk), {"post": "yes"})
    gone(WelcomeMessageRule, rule.pk)
    assert not SandboxWelcomeMessageRule.objects.exists()
    assert SandboxWelcomeMessage.objects.filter(pk=message.twitter_id).exists()


def test_only_a_synced_message_can_become_the_default(admin, account, twitter):
    message = WelcomeMessage.objects.create(brand=account.brand, account=account, name="draft", text="Hi")
    response = act(admin, "make_default", message)
    assert "is not on Twitter yet" in response.text
    assert not WelcomeMessageRule.objects.exists()


# --- Twitter refusing ------------------------------------------------------------------------
def test_an_account_that_does_not_accept_dms_from_anyone_is_explained(celery_worker, admin, account, acme_on_twitter):
    acme_on_twitter.accepts_dms_from_anyone = False
    acme_on_twitter.save()

    message = settled(WelcomeMessage, create(admin, account).pk)

    assert message.sync_state == "failed"
    assert "Owner must allow dms from anyone. (code 214)" in message.sync_error
    assert "Allow message requests from everyone" in message.sync_error
    assert "Owner must allow dms from anyone" in admin.get(admin_url(WelcomeMessage, "changelist")).text
    assert not SandboxWelcomeMessage.objects.exists()

    acme_on_twitter.accepts_dms_from_anyone = True
    acme_on_twitter.save()
    act(admin, "sync_again", message)
    message = settled(WelcomeMessage, message.pk)
    assert (message.sync_state, message.sync_error) == ("synced", "")
    assert SandboxWelcomeMessage.objects.filter(pk=message.twitter_id).exists()


def test_a_passing_failure_is_retried_until_it_syncs(celery_worker, admin, account, fast_retries):
    fault_inject(endpoint="POST direct_messages/welcome_messages/new", status=503, count=2)
    message = settled(WelcomeMessage, create(admin, account).pk)
    assert (message.sync_state, message.sync_error) == ("synced", "")
    assert SandboxWelcomeMessage.objects.count() == 1


def test_a_failure_that_does_not_pass_ends_as_failed_with_the_reason(celery_worker, admin, account, fast_retries):
    fault = fault_inject(endpoint="POST direct_messages/welcome_messages/new", status=503, count=10)
    message = settled(WelcomeMessage, create(admin, account).pk)
    assert message.sync_state == "failed"
    assert message.sync_error.startswith("Twitter refused: Over capacity")
    fault.refresh_from_db()
    assert fault.remaining == 6  # four attempts, then it gave up
    assert not SandboxWelcomeMessage.objects.exists()


def test_a_permanent_refusal_fails_at_once(celery_worker, admin, account, fast_retries):
    fault = fault_inject(endpoint="POST direct_messages/welcome_messages/new", status=403, code=261, count=2)
    message = settled(WelcomeMessage, create(admin, account).pk)
    assert message.sync_state == "failed"
    assert "code 261" in message.sync_error and "check its permissions" in message.sync_error
    fault.refresh_from_db()
    assert fault.remaining == 1


def test_a_rate_limit_leaves_it_waiting_for_the_sweep_not_failed(celery_worker, admin, account):
    from engagement.services.welcome_sync import welcome_message_sync

    reset = int((timezone.now() + timedelta(minutes=12)).timestamp())
    fault_inject(
        endpoint="POST direct_messages/welcome_messages/new", status=429, code=88, rate_limit_reset=reset, count=1
    )
    message = create(admin, account)
    message = wait_until(
        lambda: (row := WelcomeMessage.objects.get(pk=message.pk)).sync_error and row, what="the rate limit note"
    )
    assert message.sync_state == "pending"
    assert message.sync_error.startswith("Twitter's rate limit for this is used up until ")
    assert "it will sync again after that on its own" in message.sync_error
    welcome_message_sync(welcome_message_id=message.pk)  # what the sweep's ring runs, after the reset
    message.refresh_from_db()
    assert (message.sync_state, message.sync_error) == ("synced", "")
    assert SandboxWelcomeMessage.objects.count() == 1


def test_a_revoked_token_fails_the_sync_and_asks_for_the_account_to_be_reconnected(
    celery_worker, admin, account, acme_on_twitter
):
    user_revoke_app(user=acme_on_twitter)
    message = settled(WelcomeMessage, create(admin, account).pk)
    assert message.sync_state == "failed"
    assert "code 89" in message.sync_error
    account.refresh_from_db()
    assert account.state == TwitterAccount.State.NEEDS_REAUTH


def test_a_media_id_twitter_no_longer_accepts_is_uploaded_again(celery_worker, admin, account):
    message = settled(WelcomeMessage, create(admin, account, image=png()).pk)
    WelcomeMessage.objects.filter(pk=message.pk).update(image_media_id="404404")  # e.g. past its 24 hours
    message.refresh_from_db()
    edit(admin, message, text="New text")
    message = settled(WelcomeMessage, message.pk)
    assert message.sync_state == "synced"
    assert message.image_media_id != "404404"
    assert SandboxMedia.objects.filter(pk=message.image_media_id, shared=True).exists()


def test_a_message_deleted_on_twitter_behind_our_back_is_created_again_on_edit(celery_worker, admin, account):
    message = settled(WelcomeMessage, create(admin, account).pk)
    SandboxWelcomeMessage.objects.all().delete()
    edit(admin, message, text="Still here")
    message = settled(WelcomeMessage, message.pk)
    assert message.sync_state == "synced"
    assert SandboxWelcomeMessage.objects.get().message_data["text"] == "Still here"
    assert message.twitter_id == str(SandboxWelcomeMessage.objects.get().pk)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"name": "spring! sale"}, "only letters, digits, spaces and - _ # @"),
        ({"text": "x" * 9_991}, "at most 9990 characters"),
        ({"text": ""}, "a message needs text"),
        ({"quick_replies": "x" * 37}, "Line 1: label: at most 36 characters"),
        ({"image": SimpleUploadedFile("fake.png", b"not an image", "image/png")}, "Upload a JPEG"),
    ],
)
def test_what_twitter_would_refuse_is_refused_before_sending(admin, account, twitter, fields, error):
    response = admin.post(admin_url(WelcomeMessage, "add"), {"account": account.pk, **ADD, **fields})
    assert response.status_code == 200
    errors = " ".join(str(e) for errors in response.context["adminform"].form.errors.values() for e in errors)
    assert error.lower() in errors.lower()
    assert not WelcomeMessage.objects.exists()


# --- the deep link ---------------------------------------------------------------------------
def test_the_deep_link_is_shown_to_copy_and_the_sandbox_one_opens_the_welcome_message(
    celery_worker, admin, account, acme_on_twitter, settings
):
    message = settled(WelcomeMessage, create(admin, account).pk)
    page = admin.get(admin_url(WelcomeMessage, "change", message.pk)).text
    links = welcome_message_links(welcome_message=message)
    assert links["twitter"] == (
        f"https://twitter.com/messages/compose?recipient_id={acme_on_twitter.id}&welcome_message_id={message.twitter_id}"
    )
    assert links["sandbox"].startswith(f"{settings.PUBLIC_URL}/sandbox/messages/compose?")
    for url in links.values():
        assert f'data-copy="{url.replace("&", "&amp;")}"' in page

    jo = sandbox_user_create(screen_name="jo")
    admin.post("/sandbox/session", {"user_id": jo.id})
    opened = admin.get(urlsplit(links["sandbox"]).path + "?" + urlsplit(links["sandbox"]).query)
    assert opened.status_code == 302
    assert SandboxThreadState.objects.get(user=jo, other=acme_on_twitter).welcome_message_id == int(message.twitter_id)


def test_no_deep_link_before_it_is_on_twitter(admin, account, twitter):
    message = WelcomeMessage.objects.create(brand=account.brand, account=account, name="draft", text="Hi")
    assert welcome_message_links(welcome_message=message) == {}
    assert (
        "Shown once the welcome message is on Twitter"
        in admin.get(admin_url(WelcomeMessage, "change", message.pk)).text
    )


def test_images_are_kept_privately(celery_worker, admin, account, private_files):
    message = settled(WelcomeMessage, create(admin, account, image=png()).pk)
    assert (private_files / message.image.name).read_bytes() == PNG_1x1


# --- lost tasks ------------------------------------------------------------------------------
def test_the_sweep_syncs_rows_whose_task_was_lost(celery_worker, account):
    lost = WelcomeMessage.objects.create(brand=account.brand, account=account, name="lost", text="Hi")
    WelcomeMessage.objects.filter(pk=lost.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    recent = WelcomeMessage.objects.create(brand=account.brand, account=account, name="recent", text="Hi")

    assert welcome_sync_sweep() == 1  # a recent row's task may still be on its way
    assert settled(WelcomeMessage, lost.pk).sync_state == "synced"
    assert WelcomeMessage.objects.get(pk=recent.pk).sync_state == "pending"
    beat = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "engagement.tasks.sync.sweep_twitter_syncs" in beat
