from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from engagement.models import Attachment
from engagement.selectors import attachment_get


@login_required
def attachment_file(request: HttpRequest, attachment_id: str) -> FileResponse:
    """A customer's media, only for people of the brand it was sent to."""
    brand = request.brand  # type: ignore[attr-defined]
    if brand is None:
        raise Http404("No such attachment.")
    return attachment_file_response(attachment_get(brand=brand, attachment_id=attachment_id))


def attachment_file_response(attachment: Attachment) -> FileResponse:
    """The file itself, served so that it can never run script in Roost's origin."""
    if attachment.state != Attachment.State.STORED or not attachment.file:
        raise Http404("This attachment is not available (yet).")
    inline = attachment.content_type.startswith(("image/", "video/"))
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=attachment.filename or None,
    )
    response["Cache-Control"] = "private, max-age=3600"
    # Even if a file were not what it claims, it cannot run script in Roost's origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
