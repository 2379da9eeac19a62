"""The API's ninja Schemas, from which the OpenAPI schema is generated: what it reads
(``inputs``) and what it answers (``outputs``)."""

from engagement.api.schemas.inputs import (
    IDEMPOTENCY_KEY_MAX,
    ConversationChange,
    ConversationFilters,
    CustomProfileFilters,
    ListQuery,
    PageQuery,
    ReplyIn,
)
from engagement.api.schemas.outputs import (
    AccountList,
    CannedResponseList,
    ContactOut,
    ConversationOut,
    ConversationPage,
    CustomProfileList,
    CustomProfileOut,
    ErrorOut,
    MediaOut,
    MessageOut,
    MessagePage,
    error_responses,
)

__all__ = [
    "IDEMPOTENCY_KEY_MAX",
    "AccountList",
    "CannedResponseList",
    "ContactOut",
    "ConversationChange",
    "ConversationFilters",
    "ConversationOut",
    "ConversationPage",
    "CustomProfileFilters",
    "CustomProfileList",
    "CustomProfileOut",
    "ErrorOut",
    "ListQuery",
    "MediaOut",
    "MessageOut",
    "MessagePage",
    "PageQuery",
    "ReplyIn",
    "error_responses",
]
