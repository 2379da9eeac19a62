"""A row changed while its sync is talking to Twitter: the change wins and nothing is left
orphaned on Twitter. The sync runs here, in the test's thread, against the sandbox; the change
is made by the same services the admin uses, at the moment the sync calls Twitter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engagement.models import CustomProfile, WelcomeMessage
from engagement.services.custom_profiles import custom_profile_create, custom_profile_delete, custom_profile_save
from engagement.services.custom_profiles_sync import custom_profile_sync
from engagement.services.welcome import welcome_message_create, welcome_message_delete, welcome_message_save
from engagement.services.welcome_sync import welcome_message_sync
from integrations.twitter import twitter_client
from sandbox.models import SandboxCustomProfile, SandboxWelcomeMessage
from tests.engagement.support import png

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_wire("welcome_messages", "custom_profiles")]


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    """Only the sync under test runs: the tasks the services ring are not published (a worker
    thread left by another test would otherwise run them at the same time)."""
    for ring in ("welcome._ring", "welcome._ring_rule", "custom_profiles._ring"):
        monkeypatch.setattr(f"engagement.services.{ring}", lambda *args: None)


class Meddling:
    """The real client, except that the first call to ``method`` first runs ``meddle``."""

    def __init__(self, method: str, meddle: Callable[[], None]) -> None:
        self.client, self.method, self.meddle = twitter_client(), method, meddle

    def __getattr__(self, name: str) -> object:
        call = getattr(self.client, name)
        if name != self.method or self.meddle is None:
            return call

        def meddled(*args: object, **kwargs: object) -> object:
            meddle, self.meddle = self.meddle, None
            meddle()
            return call(*args, **kwargs)

        return meddled


def meddle(monkeypatch, module: str, method: str, action: Callable[[], None]) -> None:
    client = Meddling(method, action)
    monkeypatch.setattr(f"engagement.services.{module}.twitter_client", lambda: client)


def edit_text(message: WelcomeMessage, text: str) -> Callable[[], None]:
    def edit() -> None:
        fresh = WelcomeMessage.objects.get(pk=message.pk)
        fresh.text = text
        welcome_message_save(welcome_message=fresh, changed=["text"])

    return edit


def test_an_edit_while_the_message_is_created_is_what_twitter_ends_with(monkeypatch, account):
    message = welcome_message_create(account=account, name="spring", text="first")
    meddle(monkeypatch, "welcome_sync", "welcome_message_create", edit_text(message, "second"))

    welcome_message_sync(welcome_message_id=message.pk)

    message.refresh_from_db()
    remote = SandboxWelcomeMessage.objects.get()  # one, not two
    assert (message.sync_state, message.twitter_id) == ("synced", str(remote.pk))
    assert remote.message_data["text"] == "second"


def test_an_edit_while_the_message_is_replaced_is_what_twitter_ends_with(monkeypatch, account):
    message = welcome_message_create(account=account, name="spring", text="first")
    welcome_message_sync(welcome_message_id=message.pk)
    edit_text(message, "second")()
    meddle(monkeypatch, "welcome_sync", "welcome_message_update", edit_text(message, "third"))

    welcome_message_sync(welcome_message_id=message.pk)

    message.refresh_from_db()
    assert message.sync_state == "synced"
    assert SandboxWelcomeMessage.objects.get().message_data["text"] == "third"


def test_a_delete_while_the_message_is_created_leaves_nothing_on_twitter(monkeypatch, account):
    message = welcome_message_create(account=account, name="spring", text="Hi")
    meddle(
        monkeypatch, "welcome_sync", "welcome_message_create", lambda: welcome_message_delete(welcome_message=message)
    )

    welcome_message_sync(welcome_message_id=message.pk)

    assert not WelcomeMessage.objects.exists()
    assert not SandboxWelcomeMessage.objects.exists()


def test_a_redelivered_task_does_nothing_more(account):
    message = welcome_message_create(account=account, name="spring", text="Hi")
    welcome_message_sync(welcome_message_id=message.pk)
    welcome_message_sync(welcome_message_id=message.pk)
    assert SandboxWelcomeMessage.objects.count() == 1


def test_a_rename_while_the_profile_is_created_is_what_twitter_ends_with(monkeypatch, account):
    profile = custom_profile_create(account=account, name="Ana", avatar=png())

    def rename() -> None:
        fresh = CustomProfile.objects.get(pk=profile.pk)
        fresh.name = "Ana B"
        custom_profile_save(custom_profile=fresh, changed=["name"])

    meddle(monkeypatch, "custom_profiles_sync", "custom_profile_create", rename)
    custom_profile_sync(custom_profile_id=profile.pk)

    profile.refresh_from_db()
    live = SandboxCustomProfile.objects.filter(deleted_at__isnull=True)
    assert [p.name for p in live] == ["Ana B"]  # the stale "Ana" was destroyed
    assert (profile.sync_state, profile.twitter_id) == ("synced", str(live.get().pk))


def test_a_delete_while_the_profile_is_created_leaves_nothing_on_twitter(monkeypatch, account):
    profile = custom_profile_create(account=account, name="Ana", avatar=png())
    meddle(
        monkeypatch,
        "custom_profiles_sync",
        "custom_profile_create",
        lambda: custom_profile_delete(custom_profile=profile),
    )
    custom_profile_sync(custom_profile_id=profile.pk)
    assert not CustomProfile.objects.exists()
    assert not SandboxCustomProfile.objects.filter(deleted_at__isnull=True).exists()


def test_an_edit_of_a_row_read_before_it_synced_keeps_its_twitter_id(account):
    message = welcome_message_create(account=account, name="spring", text="first")
    stale = WelcomeMessage.objects.get(pk=message.pk)  # e.g. the admin's form, loaded before the sync ended
    welcome_message_sync(welcome_message_id=message.pk)

    stale.text = "second"
    welcome_message_save(welcome_message=stale, changed=["text"])
    welcome_message_sync(welcome_message_id=message.pk)

    remote = SandboxWelcomeMessage.objects.get()  # replaced, not created a second time
    assert remote.message_data["text"] == "second"
    assert WelcomeMessage.objects.get(pk=message.pk).twitter_id == str(remote.pk)


def test_a_rename_of_a_profile_read_before_it_synced_replaces_the_synced_one(account):
    profile = custom_profile_create(account=account, name="Ana", avatar=png())
    stale = CustomProfile.objects.get(pk=profile.pk)
    custom_profile_sync(custom_profile_id=profile.pk)

    stale.name = "Ana B"
    custom_profile_save(custom_profile=stale, changed=["name"])
    custom_profile_sync(custom_profile_id=profile.pk)

    assert [p.name for p in SandboxCustomProfile.objects.filter(deleted_at__isnull=True)] == ["Ana B"]
