"""Answering a customer from the Django admin: the same reply service as the dashboard and API."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from accounts.models import Membership
from engagement.forms import QuickRepliesField, TweetThisForm
from engagement.models import Conversation, CustomProfile
from engagement.selectors import custom_profile_default_for, custom_profiles_for_account
from integrations.twitter import wire_capabilities


class AdminReplyForm(TweetThisForm):
    field_order = ("text", "quick_replies", "buttons", "tweet_this_label", "tweet_this_text", "custom_profile")

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, required=False, label="Reply")
    quick_replies = QuickRepliesField()
    custom_profile = forms.ModelChoiceField(
        queryset=CustomProfile.objects.none(), required=False, label="Reply as", empty_label="the account itself"
    )
    as_new_tweet = forms.BooleanField(required=False, label="Post as a new Tweet, not as a reply")
    # A new key each time the form is shown: a double click, or the same form sent again after
    # going back, finds the message its first submission queued instead of sending another.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=128)

    def __init__(self, *args: Any, conversation: Conversation, membership: Membership | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conversation = conversation
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        self.fields["custom_profile"].queryset = custom_profiles_for_account(
            brand=conversation.brand, account=conversation.account
        )
        default = (
            custom_profile_default_for(membership=membership, account=conversation.account) if membership else None
        )
        if default is not None:
            self.fields["custom_profile"].initial = default.pk
        wire = wire_capabilities()
        for name, native, rewrite in (
            ("quick_replies", wire.quick_replies, "sent as a numbered list the customer answers by number or name"),
            ("buttons", wire.buttons, "sent as links after the text"),
            ("custom_profile", wire.custom_profiles, "sent as a signature line with the profile's name"),
        ):
            if not native:
                self.fields[name].help_text = f"{wire.label}: {rewrite}. {self.fields[name].help_text}".strip()
        if conversation.kind == Conversation.Kind.MENTION:
            # A public reply is a Tweet: none of the Direct Message extras apply.
            for name in ("quick_replies", "buttons", "tweet_this_label", "tweet_this_text", "custom_profile"):
                del self.fields[name]
            self.fields["text"].label = "Public reply (a Tweet everyone can see)"
            self.fields["text"].max_length = 280
        else:
            del self.fields["as_new_tweet"]
