from django.urls import path

from engagement.views import actions, inbox, media, preview, thread

urlpatterns = [
    path("", inbox.inbox, name="home"),
    path("inbox/list", inbox.conversation_list, name="inbox_list"),
    path("inbox/notifications", inbox.notifications, name="inbox_notifications"),
    path("inbox/canned", actions.canned, name="inbox_canned"),
    path("c/<str:conversation_id>", thread.conversation_page, name="conversation"),
    path("c/<str:conversation_id>/thread", thread.thread, name="conversation_thread"),
    path("c/<str:conversation_id>/reply", thread.reply, name="conversation_reply"),
    path("c/<str:conversation_id>/typing", thread.typing, name="conversation_typing"),
    path("c/<str:conversation_id>/preview", preview.composer_preview, name="composer_preview"),
    path("c/<str:conversation_id>/presence", thread.presence, name="conversation_presence"),
    path("c/<str:conversation_id>/update", actions.update, name="conversation_update"),
    path("c/<str:conversation_id>/notes", actions.note, name="conversation_note"),
    path("c/<str:conversation_id>/messages/<str:message_id>/retry", thread.retry, name="message_retry"),
    path("contacts/<str:contact_id>/erase", actions.erase_contact, name="contact_erase"),
    path("audit", actions.audit_log, name="audit_log"),
    path("media/attachments/<str:attachment_id>", media.attachment_file, name="attachment_file"),
]
