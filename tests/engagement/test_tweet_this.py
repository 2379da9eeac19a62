"""The "Tweet this" button: one web-intent builder, used by the dashboard's composer and the admin."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from engagement.forms import TweetThisForm
from engagement.models import Message
from engagement.tweet_intent import TweetIntentError, tweet_intent_url
from tests.factories import ConversationFactory, TwitterAccountFactory

# -- the builder -----------------------------------------------------------------------------


def query_of(intent: str) -> dict[str, list[str]]:
    parts = urlsplit(intent)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://twitter.com/intent/tweet"
    return parse_qs(parts.query, strict_parsing=True)


def test_it_carries_text_url_hashtags_and_via_as_twitters_intent_names_them():
    intent = tweet_intent_url(
        text="Loving my new mug & saucer",
        url="https://example.com/shop?item=mug&colour=blue",
        hashtags=["#coffee", "café_time"],
        via="@acme_help",
    )
    assert query_of(intent) == {
        "text": ["Loving my new mug & saucer"],
        "url": ["https://example.com/shop?item=mug&colour=blue"],
        "hashtags": ["coffee,café_time"],
        "via": ["acme_help"],
    }


def test_it_percent_encodes_every_value_with_spaces_as_percent_20():
    intent = tweet_intent_url(text="I love @acme + #tea", url="https://example.com/a b", hashtags=["tea"])
    assert intent == (
        "https://twitter.com/intent/tweet?text=I%20love%20%40acme%20%2B%20%23tea"
        "&url=https%3A%2F%2Fexample.com%2Fa%20b&hashtags=tea"
    )


def test_it_leaves_out_the_parameters_it_is_not_given():
    assert tweet_intent_url(text="  Hello  ") == "https://twitter.com/intent/tweet?text=Hello"


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        ({"text": "   "}, "the Tweet needs text"),
        ({"text": "hi", "url": "ftp://example.com"}, "must be an http:// or https:// URL"),
        ({"text": "hi", "url": "example.com"}, "must be an http:// or https:// URL"),
        ({"text": "hi", "hashtags": ["two words"]}, "is not a hashtag"),
        ({"text": "hi", "hashtags": ["a,b"]}, "is not a hashtag"),
        ({"text": "hi", "via": "not a name"}, "is not a Twitter username"),
        ({"text": "hi", "via": "x" * 16}, "is not a Twitter username"),
        ({"text": "x" * 281}, "would be 281 characters"),
        # A link counts as 23 characters and a space, a hashtag as itself, "#" and a space.
        ({"text": "x" * 251, "url": "https://example.com", "hashtags": ["abcd"]}, "would be 281 characters"),
    ],
)
def test_it_refuses_what_twitter_would_not_prefill(arguments, reason):
    with pytest.raises(TweetIntentError, match=reason):
        tweet_intent_url(**arguments)


def test_a_tweet_of_exactly_280_characters_with_link_hashtag_and_via_is_built():
    # 230 + 24 (" " and a link) + 6 (" #abcd") + 20 (" via @acme_help_desk") = 280
    intent = tweet_intent_url(text="x" * 230, url="https://example.com", hashtags=["abcd"], via="acme_help_desk")
    assert query_of(intent)["via"] == ["acme_help_desk"]


# -- the dashboard's composer --------------------------------------------------------------


@pytest.fixture
def conversation(brand_a):
    return ConversationFactory(account=TwitterAccountFactory(brand=brand_a, screen_name="acme_help"))


def reply(client, conversation, **fields):
    return client.post(reverse("conversation_reply", args=[conversation.public_id]), fields, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_the_composer_offers_the_tweet_this_builder(client, bob, conversation):
    client.force_login(bob)
    page = client.get(reverse("conversation", args=[conversation.public_id])).text
    assert 'name="tweet_this_label"' in page and 'name="tweet_this_text"' in page


@pytest.mark.django_db
def test_a_dashboard_reply_carries_the_tweet_this_button_after_its_other_buttons(client, bob, conversation):
    client.force_login(bob)
    response = reply(
        client,
        conversation,
        text="Glad you like it!",
        buttons="Track | https://example.com/track",
        tweet_this_label="Share",
        tweet_this_text="I love @acme_help",
    )
    assert response.status_code == 200
    assert Message.objects.get(direction="outbound").buttons == [
        {"label": "Track", "url": "https://example.com/track"},
        {"label": "Share", "url": tweet_intent_url(text="I love @acme_help")},
    ]


@pytest.mark.django_db
def test_a_tweet_this_label_without_its_text_comes_back_to_the_composer_and_nothing_is_queued(
    client, bob, conversation
):
    client.force_login(bob)
    response = reply(client, conversation, text="Glad you like it!", tweet_this_label="Share")
    assert response.status_code == 400
    assert "Give both the button&#x27;s label and the Tweet&#x27;s text." in response.text
    assert 'value="Share"' in response.text
    assert not Message.objects.filter(direction="outbound").exists()


@pytest.mark.django_db
def test_a_tweet_this_button_past_twitters_three_buttons_is_refused(client, bob, conversation):
    client.force_login(bob)
    three = "\n".join(f"Link {n} | https://example.com/{n}" for n in range(3))
    response = reply(client, conversation, text="hi", buttons=three, tweet_this_label="Share", tweet_this_text="Yay")
    assert response.status_code == 400
    assert "at most 3 buttons" in response.text
    assert not Message.objects.filter(direction="outbound").exists()


@pytest.mark.django_db
def test_on_v2_the_preview_shows_the_tweet_this_button_as_a_link(settings, client, bob, conversation):
    settings.TWITTER_API_VERSION = "2"
    client.force_login(bob)
    preview = client.post(
        reverse("composer_preview", args=[conversation.public_id]),
        {"text": "Thanks!", "tweet_this_label": "Share", "tweet_this_text": "I love it"},
    )
    assert preview.status_code == 200
    assert "Share: https://twitter.com/intent/tweet?text=I%20love%20it" in preview.text


@pytest.mark.django_db
def test_the_outsider_cannot_reply_with_a_tweet_this_button_in_our_conversation(client, charlie, conversation):
    client.force_login(charlie)
    response = reply(client, conversation, text="hijack", tweet_this_label="Share", tweet_this_text="Yay")
    assert response.status_code == 404
    assert not Message.objects.filter(direction="outbound").exists()


def test_a_fourth_button_is_refused_by_the_form_itself_naming_the_builder():
    """Caught where the agent fills it in, not only by the reply service after sending."""
    three = "\n".join(f"Link {n} | https://example.com/{n}" for n in range(3))
    form = TweetThisForm({"buttons": three, "tweet_this_label": "Share", "tweet_this_text": "Yay"})
    assert not form.is_valid()
    assert "at most 3 buttons" in " ".join(form.errors["tweet_this_label"])


def test_a_bad_tweet_text_is_one_error_not_two():
    form = TweetThisForm({"tweet_this_label": "Share", "tweet_this_text": "Yay\x00"})
    assert not form.is_valid()
    assert "tweet_this_label" not in form.errors  # not also "give both the label and the text"
    assert form.errors["tweet_this_text"]


@pytest.mark.django_db
def test_the_preview_says_a_fourth_button_is_too_many(client, bob, conversation):
    client.force_login(bob)
    three = "\n".join(f"Link {n} | https://example.com/{n}" for n in range(3))
    preview = client.post(
        reverse("composer_preview", args=[conversation.public_id]),
        {"text": "Thanks!", "buttons": three, "tweet_this_label": "Share", "tweet_this_text": "Yay"},
    )
    assert preview.status_code == 200
    assert "at most 3 buttons" in preview.text
