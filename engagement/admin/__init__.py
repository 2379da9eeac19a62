"""The engagement admin, one module per area (registered on import)."""

from engagement.admin import bots, conversations, profiles_and_welcome  # noqa: F401
