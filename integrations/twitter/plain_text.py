"""Direct Messages as a wire without quick replies, buttons or custom profiles delivers them.

What cannot be sent natively becomes text the customer can act on, never dropped in silence:
quick replies a numbered list (answered with the number or the label), buttons links after the
text, a custom profile the agent's name as a signature line. The sending client and the
composer's preview both use ``as_delivered``, so the agent sees exactly what is sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from integrations.twitter.capabilities import WireCapabilities
from integrations.twitter.validation import Button, QuickReplyOption

ANSWER_HINT = "Reply with a number or an option's name."
# "2", "2.", "2)", "#2", "option 2", "no. 2" and the like; the whole answer must be the number.
_NUMBER_ANSWER = re.compile(r"^\s*(?:#|no\.?\s*|option\s*|n°\s*)?(\d{1,2})\s*[.)!]?\s*$", re.IGNORECASE)
_EDGE_PUNCTUATION = " \t\r\n.,!?;:'\"“”‘’()[]{}-–—*_~"


@dataclass(frozen=True)
class Delivered:
    """A message as the wire delivers it, and what was rewritten to get there."""

    text: str
    quick_replies: tuple[QuickReplyOption, ...] = ()
    buttons: tuple[Button, ...] = ()
    use_custom_profile: bool = True
    rewritten: tuple[str, ...] = field(default=())  # "quick_replies", "buttons", "custom_profile"


def as_delivered(
    capabilities: WireCapabilities,
    *,
    text: str,
    quick_replies: Sequence[QuickReplyOption] = (),
    buttons: Sequence[Button] = (),
    signature: str = "",
) -> Delivered:
    """``signature`` is the custom profile's name, used only where custom profiles are missing."""
    parts = [text.rstrip()] if text.strip() else []
    rewritten: list[str] = []
    native_options: tuple[QuickReplyOption, ...] = tuple(quick_replies)
    native_buttons: tuple[Button, ...] = tuple(buttons)
    if quick_replies and not capabilities.quick_replies:
        parts.append(numbered_options(quick_replies))
        native_options = ()
        rewritten.append("quick_replies")
    if buttons and not capabilities.buttons:
        parts.append("\n".join(f"{button.label}: {button.url}" for button in buttons))
        native_buttons = ()
        rewritten.append("buttons")
    use_profile = capabilities.custom_profiles
    if signature.strip() and not capabilities.custom_profiles:
        parts.append(f"— {signature.strip()}")
        rewritten.append("custom_profile")
    return Delivered(
        text="\n\n".join(parts),
        quick_replies=native_options,
        buttons=native_buttons,
        use_custom_profile=use_profile,
        rewritten=tuple(rewritten),
    )


def numbered_options(options: Sequence[QuickReplyOption]) -> str:
    lines = [
        f"{number}. {option.label}" + (f" ({option.description})" if option.description else "")
        for number, option in enumerate(options, start=1)
    ]
    return "\n".join([*lines, ANSWER_HINT])


def option_answered(text: str, options: Sequence[QuickReplyOption]) -> QuickReplyOption | None:
    """The option a customer's typed answer names: its number in the list, or its label
    (ignoring case, spacing and surrounding punctuation). None when it names no option."""
    if not options or not text:
        return None
    number = _NUMBER_ANSWER.match(text)
    if number:
        index = int(number.group(1)) - 1
        return options[index] if 0 <= index < len(options) else None
    wanted = _normalized(text)
    if not wanted:
        return None
    matches = [option for option in options if _normalized(option.label) == wanted]
    return matches[0] if len(matches) == 1 else None


def _normalized(text: str) -> str:
    return " ".join(text.strip(_EDGE_PUNCTUATION).casefold().split())
