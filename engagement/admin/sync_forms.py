"""Forms and read-only displays for the admin of rows synced to Twitter (welcome messages,
their default rule, custom profiles)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from engagement.forms import ButtonsField, QuickRepliesField
from engagement.models import CustomProfile, SyncState, WelcomeMessage
from engagement.selectors import welcome_message_links
from engagement.services.custom_profiles import AVATAR_CATEGORY, custom_profile_validate, custom_profiles_on_twitter
from engagement.services.twitter_sync import image_validate
from engagement.services.welcome import welcome_message_validate


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class WelcomeMessageForm(forms.ModelForm):
    quick_replies = QuickRepliesField()
    buttons = ButtonsField()

    class Meta:
        model = WelcomeMessage
        fields = ("account", "name", "text", "quick_replies", "buttons", "image")
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "maxlength": 9990})}
        help_texts = {
            "text": "Up to 9,990 characters. It may be empty when there is an image.",
            "image": "JPEG, PNG, WebP (5 MB) or GIF (15 MB). Uploaded to Twitter as shared media, which anyone "
            "with its URL can see.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "text" in self.fields:
            self.fields["text"].required = False  # an image alone is a welcome message too

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        image = data.get("image")
        if isinstance(image, UploadedFile):
            try:
                image_validate(image, field="image")
            except ValidationError as error:
                _add_errors(self, error)
        if not {"name", "text", "quick_replies", "buttons"} <= set(data):
            return data  # a field already failed on its own
        try:
            welcome_message_validate(
                name=data["name"],
                text=data["text"],
                quick_replies=data["quick_replies"],
                buttons=data["buttons"],
                # An imported message may have its image only on Twitter (by media id).
                has_image=bool(image) or bool(self.instance.image_media_id and "image" not in self.changed_data),
            )
        except ValidationError as error:
            _add_errors(self, error)
        return data


class CustomProfileForm(forms.ModelForm):
    class Meta:
        model = CustomProfile
        fields = ("account", "name", "avatar")
        help_texts = {
            "name": "What customers see instead of the account's name, e.g. “Ana, Support”. Up to 48 characters.",
            "avatar": "A square JPEG, PNG, GIF or WebP image, up to 5 MB. Changing the name or the avatar creates "
            "the profile anew on Twitter (Twitter cannot edit one); replies already sent keep the old one.",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        avatar = data.get("avatar")
        if isinstance(avatar, UploadedFile):
            try:
                image_validate(avatar, field="avatar", category=AVATAR_CATEGORY)
            except ValidationError as error:
                _add_errors(self, error)
        elif not avatar and (self.instance.pk is None or "name" in self.changed_data) and custom_profiles_on_twitter():
            # Creating it (anew, after a rename) on Twitter needs the avatar uploaded again.
            self.add_error("avatar", "Upload an avatar: Twitter needs one for every custom profile.")
        if "name" in data:
            try:
                custom_profile_validate(name=data["name"])
            except ValidationError as error:
                _add_errors(self, error)
        return data


# --- read-only displays ----------------------------------------------------------------------
def sync_status(row: WelcomeMessage | CustomProfile | Any) -> SafeString:
    """Where the row stands with Twitter, with the reason when something went wrong."""
    label = row.get_sync_state_display()
    if row.sync_state == SyncState.FAILED:
        return format_html('<strong style="color: var(--error-fg, #ba2121)">{}</strong><br>{}', label, row.sync_error)
    if row.sync_error:  # a retry under way, or a note on a synced row
        return format_html("{}<br><small>{}</small>", label, row.sync_error)
    return format_html("{}", label)


def deep_links(message: WelcomeMessage) -> SafeString:
    """The links to copy: Twitter's, and the sandbox's (to try it) when the sandbox is on."""
    links = welcome_message_links(welcome_message=message)
    if not links:
        return format_html("{}", "Shown once the welcome message is on Twitter.")
    labels = {"twitter": "Twitter", "sandbox": "Sandbox (try it here)"}
    return format_html_join(
        "",
        '<div style="margin-bottom: .5em"><span style="display: inline-block; min-width: 11em">{}</span> '
        '<input type="text" readonly value="{}" size="80" aria-label="{} link" data-select-on-focus> '
        '<button type="button" class="button" data-copy="{}">Copy</button> '
        '<a href="{}" target="_blank" rel="noopener">Open</a></div>',
        ((labels[kind], url, labels[kind], url, url) for kind, url in links.items()),
    )


def copy_button(message: WelcomeMessage) -> SafeString:
    links = welcome_message_links(welcome_message=message)
    if "twitter" not in links:
        return format_html("{}", "—")
    return format_html('<button type="button" class="button" data-copy="{}">Copy link</button>', links["twitter"])


def default_status(message: WelcomeMessage) -> SafeString:
    rules = message.rules.all()  # prefetched by the admin's queryset; at most one (one per account)
    rule = rules[0] if rules else None
    if rule is None:
        return format_html("{}", "—")
    texts = {
        SyncState.SYNCED: "Default",
        SyncState.PENDING: "Becoming the default…",
        SyncState.DELETING: "No longer the default…",
        SyncState.FAILED: "Not made the default",
    }
    if rule.sync_state == SyncState.FAILED:
        return format_html(
            '<strong style="color: var(--error-fg, #ba2121)">{}</strong><br>{}', texts[rule.sync_state], rule.sync_error
        )
    return format_html("<strong>{}</strong>", texts[rule.sync_state])


def avatar_preview(profile: CustomProfile) -> SafeString:
    # Twitter serves custom profile avatars publicly; the file we keep is private.
    if not profile.avatar_url:
        return format_html("{}", "—")
    return format_html('<img src="{}" alt="" width="48" height="48" style="border-radius: 50%">', profile.avatar_url)
