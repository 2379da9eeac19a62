"""`import_welcome_messages` and `import_custom_profiles` against the sandbox over real HTTP:
what the account already has comes in once, however often they run; bad input changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import TwitterAccount
from accounts.services import twitter_account_credentials
from engagement.models import CustomProfile, WelcomeMessage, WelcomeMessageRule
from integrations.twitter import Button, QuickReplyOption, twitter_client
from sandbox.services import fault_inject
from tests.factories import TwitterAccountFactory
from tests.sandbox.support import PNG_1x1

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_wire("welcome_messages", "custom_profiles")]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def on_twitter(account):
    """What @acme_help made on Twitter before Roost: two welcome messages (one the default,
    with an image, options and a button) and two custom profiles."""
    client, credentials = twitter_client(), twitter_account_credentials(account)
    image = client.media_upload(credentials, content=PNG_1x1, media_type="image/png", category="dm_image", shared=True)
    spring = client.welcome_message_create(
        credentials,
        name="spring",
        text="Hi! How can we help?",
        quick_replies=[QuickReplyOption("Orders", "Where is my order?", "orders"), QuickReplyOption("Other", "Else")],
        buttons=[Button("Shop", "https://example.com/shop")],
        media_id=image.media_id,
    )
    client.welcome_message_create(credentials, name="plain", text="Hello")
    rule = client.welcome_message_make_default(credentials, welcome_message_id=spring.id)
    avatar = client.media_upload(credentials, content=PNG_1x1, media_type="image/png", category="dm_image", shared=True)
    ana = client.custom_profile_create(credentials, name="Ana, Support", avatar_media_id=avatar.media_id)
    client.custom_profile_create(credentials, name="Jon, Billing", avatar_media_id=avatar.media_id)
    return {"spring": spring, "rule": rule, "image": image, "ana": ana}


def test_welcome_messages_and_the_default_come_in(on_twitter, account):
    output = run("import_welcome_messages", "--account", "@acme_help")

    assert "@acme_help (brand acme): 2 new, 0 updated, 0 already up to date welcome message(s)." in output
    assert "Default welcome message: “spring”." in output
    spring = WelcomeMessage.objects.get(name="spring")
    assert (spring.account, spring.brand, spring.sync_state) == (account, account.brand, "synced")
    assert spring.twitter_id == on_twitter["spring"].id
    assert spring.text == "Hi! How can we help?"
    assert spring.quick_replies == [
        {"label": "Orders", "description": "Where is my order?", "metadata": "orders"},
        {"label": "Other", "description": "Else"},
    ]
    assert spring.buttons == [{"label": "Shop", "url": "https://example.com/shop"}]
    assert spring.image_media_id == on_twitter["image"].media_id
    with spring.image.open("rb") as image:
        assert image.read() == PNG_1x1  # downloaded, so it can be uploaded again after an edit
    rule = WelcomeMessageRule.objects.get()
    assert (rule.welcome_message, rule.twitter_id, rule.sync_state) == (spring, on_twitter["rule"].id, "synced")


def test_importing_again_duplicates_nothing(on_twitter, account):
    run("import_welcome_messages", "--account", "acme_help")
    output = run("import_welcome_messages", "--account", "acme_help")
    assert "0 new, 0 updated, 2 already up to date" in output
    assert WelcomeMessage.objects.count() == 2
    assert WelcomeMessageRule.objects.count() == 1


def test_a_later_import_refreshes_synced_rows_but_keeps_local_changes_waiting_to_sync(on_twitter, account):
    run("import_welcome_messages", "--account", "acme_help")
    client, credentials = twitter_client(), twitter_account_credentials(account)
    client.welcome_message_update(credentials, on_twitter["spring"].id, text="Changed on Twitter")
    WelcomeMessage.objects.filter(name="plain").update(text="Changed here", sync_state="pending")

    output = run("import_welcome_messages", "--account", "acme_help")

    assert WelcomeMessage.objects.get(name="spring").text == "Changed on Twitter"
    assert WelcomeMessage.objects.get(name="plain").text == "Changed here"
    assert "Left as they are (changed here and waiting to sync): “plain”." in output


def test_custom_profiles_come_in_once(on_twitter, account):
    output = run("import_custom_profiles", "--account", "acme_help", "--brand", "acme")
    assert "2 new, 0 updated, 0 already up to date custom profile(s)." in output
    ana = CustomProfile.objects.get(twitter_id=on_twitter["ana"].id)
    assert (ana.name, ana.account, ana.sync_state) == ("Ana, Support", account, "synced")
    assert ana.avatar_url == on_twitter["ana"].avatar_url
    with ana.avatar.open("rb") as avatar:
        assert avatar.read() == PNG_1x1

    again = run("import_custom_profiles", "--account", "acme_help")
    assert "0 new, 0 updated, 2 already up to date" in again
    assert CustomProfile.objects.count() == 2


# --- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["import_welcome_messages", "import_custom_profiles"])
def test_an_unknown_account_is_refused(twitter, command):
    with pytest.raises(CommandError, match="no connected account @nobody: connect it"):
        run(command, "--account", "nobody")


@pytest.mark.parametrize("command", ["import_welcome_messages", "import_custom_profiles"])
def test_an_unknown_brand_is_refused(account, command):
    with pytest.raises(CommandError, match="there is no brand 'nope'"):
        run(command, "--account", "acme_help", "--brand", "nope")


def test_an_account_of_another_brand_is_not_found_with_that_brand(account, brand_b):
    with pytest.raises(CommandError, match="no connected account @acme_help in brand 'bolt'"):
        run("import_welcome_messages", "--account", "acme_help", "--brand", "bolt")


def test_a_screen_name_in_two_brands_needs_the_brand(on_twitter, account, brand_b):
    TwitterAccountFactory(brand=brand_b, screen_name="acme_help")  # a stale name in brand B
    with pytest.raises(CommandError, match=r"more than one brand \(acme, bolt\): add --brand SLUG"):
        run("import_welcome_messages", "--account", "acme_help")
    assert not WelcomeMessage.objects.exists()
    assert "2 new" in run("import_welcome_messages", "--account", "acme_help", "--brand", "acme")


@pytest.mark.parametrize(
    ("command", "endpoint", "model"),
    [
        ("import_welcome_messages", "GET direct_messages/welcome_messages/rules/list", WelcomeMessage),
        ("import_custom_profiles", "GET custom_profiles/list", CustomProfile),
    ],
)
def test_when_twitter_fails_nothing_is_written(on_twitter, account, command, endpoint, model):
    fault_inject(endpoint=endpoint, status=503)
    with pytest.raises(CommandError, match=r"@acme_help: nothing imported. Twitter refused: Over capacity"):
        run(command, "--account", "acme_help")
    assert not model.objects.exists()
    assert not WelcomeMessageRule.objects.exists()


def test_an_account_that_must_be_reconnected_is_explained(on_twitter, account):
    TwitterAccount.objects.filter(pk=account.pk).update(state=TwitterAccount.State.NEEDS_REAUTH)
    with pytest.raises(CommandError, match="must be connected again"):
        run("import_welcome_messages", "--account", "acme_help")
    assert not WelcomeMessage.objects.exists()
