"""What each wire can carry, so the code above the seam asks "can I?" and never "which wire?".

X API v2 Direct Messages carry text and one attachment only (twitter-api.md §12.3): no quick
replies, buttons, custom profiles, welcome messages, typing indicators or read receipts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WireCapabilities:
    label: str  # how people know the wire: "Twitter API v1.1", "X API v2"
    quick_replies: bool
    buttons: bool
    custom_profiles: bool
    welcome_messages: bool
    typing_indicator: bool
    read_receipts: bool

    @property
    def degrades_messages(self) -> bool:
        """Some of what an agent composes must be rewritten as text on this wire."""
        return not (self.quick_replies and self.buttons and self.custom_profiles)


V1_1 = WireCapabilities(
    label="Twitter API v1.1",
    quick_replies=True,
    buttons=True,
    custom_profiles=True,
    welcome_messages=True,
    typing_indicator=True,
    read_receipts=True,
)
V2 = WireCapabilities(
    label="X API v2",
    quick_replies=False,
    buttons=False,
    custom_profiles=False,
    welcome_messages=False,
    typing_indicator=False,
    read_receipts=False,
)
