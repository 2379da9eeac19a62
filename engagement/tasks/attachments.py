from __future__ import annotations

from celery import shared_task

from integrations.twitter import Retryable


@shared_task
def download_attachment(attachment_id: int) -> None:
    from engagement.services import attachment_download

    try:
        attachment_download(attachment_id=attachment_id)
    except Retryable:
        pass  # recorded on the attachment; the webhook sweep tries again later
