"""Contacts, conversations, messages and everything agents and admins configure."""

from engagement.models.bots import BotRule, CannedResponse
from engagement.models.common import SyncState
from engagement.models.contacts import Contact
from engagement.models.conversations import Conversation, Label, Note
from engagement.models.messages import Attachment, Message
from engagement.models.profiles import CustomProfile
from engagement.models.welcome import WelcomeMessage, WelcomeMessageRule

__all__ = [
    "Attachment",
    "BotRule",
    "CannedResponse",
    "Contact",
    "Conversation",
    "CustomProfile",
    "Label",
    "Message",
    "Note",
    "SyncState",
    "WelcomeMessage",
    "WelcomeMessageRule",
]
