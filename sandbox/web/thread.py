"""The Direct Message thread on the customer's page: the welcome message, quick replies,
buttons, the brand's custom profile, typing and "Seen", sending text and images."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from config.text import is_ascii_digits
from sandbox import selectors
from sandbox.errors import TwitterError
from sandbox.models import SandboxDirectMessage, SandboxThreadState, SandboxUser, SandboxWelcomeMessage
from sandbox.services import customer_send_dm, user_mark_read, user_typing
from sandbox.services.welcome import default_welcome_message
from sandbox.web.display import avatar, message_rows, welcome_row
from sandbox.web.session import current_user


def _people(request: HttpRequest, user_id: int) -> tuple[SandboxUser, SandboxUser] | HttpResponse:
    me = current_user(request)
    if me is None:
        messages.error(request, "Choose who you are first.")
        return redirect(f"{reverse('sandbox:home')}?next={request.get_full_path()}")
    return me, get_object_or_404(SandboxUser, pk=user_id)


def _welcome(me: SandboxUser, other: SandboxUser) -> SandboxWelcomeMessage | None:
    """The welcome message on screen: a deep link's, or the default rule's when the thread is
    new or quiet for 7 days (twitter-api.md §7)."""
    state, _ = SandboxThreadState.objects.get_or_create(user=me, other=other)
    if state.welcome_message_id is None and not selectors.recently_talked(user=me, other=other):
        default = default_welcome_message(owner=other)
        if default is not None:
            state.welcome_message = default
            state.save(update_fields=["welcome_message"])
    return state.welcome_message


def _context(me: SandboxUser, other: SandboxUser) -> dict:
    user_mark_read(reader=me, other=other)  # opening (or watching) the thread reads it
    theirs = selectors.thread_state(user=other, other=me)
    mine = selectors.thread_state(user=me, other=other)
    welcome = mine.welcome_message if mine else None
    return {
        "me": me,
        "other": other,
        "other_avatar": avatar(other),
        "rows": message_rows(
            selectors.thread_messages(user=me, other=other),
            me=me,
            read_up_to=theirs.last_read_event_id if theirs else None,
        ),
        "welcome": welcome_row(welcome, other) if welcome else None,
        "typing": bool(theirs and theirs.typing_until and theirs.typing_until > timezone.now()),
    }


@require_GET
def thread(request: HttpRequest, user_id: int) -> HttpResponse:
    people = _people(request, user_id)
    if isinstance(people, HttpResponse):
        return people
    me, other = people
    if me.pk == other.pk:
        messages.error(request, "Pick someone else to message.")
        return redirect("sandbox:home")
    _welcome(me, other)
    context = _context(me, other)
    context.update(
        {
            "prefill": request.GET.get("text", "")[:10000],
            "following": other.pk in selectors.following_ids(user=me),
        }
    )
    return render(request, "sandbox/thread.html", context)


@require_GET
def poll(request: HttpRequest, user_id: int) -> HttpResponse:
    people = _people(request, user_id)
    if isinstance(people, HttpResponse):
        return HttpResponse(status=204)
    return render(request, "sandbox/_messages.html", _context(*people))


@require_GET
def compose(request: HttpRequest) -> HttpResponse:
    """The DM deep link: ``?recipient_id=…&welcome_message_id=…&text=…`` (§6.7, §7)."""
    recipient_id = request.GET.get("recipient_id", "")
    other = SandboxUser.objects.filter(pk=int(recipient_id)).first() if is_ascii_digits(recipient_id) else None
    if other is None:
        raise Http404("no such account")
    people = _people(request, other.pk)
    if isinstance(people, HttpResponse):
        return people
    me = people[0]
    welcome_id = request.GET.get("welcome_message_id", "")
    welcome = (
        SandboxWelcomeMessage.objects.filter(pk=int(welcome_id), owner=other).first()
        if is_ascii_digits(welcome_id)
        else None
    )
    if welcome is not None:  # a deep link always overrides the default
        SandboxThreadState.objects.update_or_create(user=me, other=other, defaults={"welcome_message": welcome})
    target = reverse("sandbox:thread", args=[other.pk])
    text = request.GET.get("text")
    if text:
        from urllib.parse import urlencode

        target += "?" + urlencode({"text": text})
    return redirect(target)


def _quick_reply(request: HttpRequest, me: SandboxUser, other: SandboxUser) -> tuple[str, str] | None:
    """The label and metadata of the option the customer tapped, read from what was sent."""
    source, _, source_id = request.POST.get("source", "").partition(":")
    index = request.POST.get("option", "")
    if not is_ascii_digits(source_id) or not is_ascii_digits(index):
        return None
    if source == "welcome":
        row = SandboxWelcomeMessage.objects.filter(pk=int(source_id), owner=other).first()
    else:
        row = SandboxDirectMessage.objects.filter(pk=int(source_id), sender=other, recipient=me).first()
    options = ((row.message_data if row else {}).get("quick_reply") or {}).get("options", [])
    if int(index) >= len(options):
        return None
    option = options[int(index)]
    return option["label"], option.get("metadata", "")


@require_POST
def send(request: HttpRequest, user_id: int) -> HttpResponse:
    people = _people(request, user_id)
    if isinstance(people, HttpResponse):
        return people
    me, other = people
    state = selectors.thread_state(user=me, other=other)
    tapped = _quick_reply(request, me, other)
    text, metadata = tapped if tapped else (request.POST.get("text", ""), None)
    error = ""
    try:
        customer_send_dm(
            sender=me,
            recipient=other,
            text=text,
            quick_reply_metadata=metadata,
            image=request.FILES.get("image"),
            welcome_message_id=state.welcome_message_id if state else None,
        )
    except TwitterError as problem:
        error = f"Not sent: {problem.message}"
    if request.htmx:
        context = _context(me, other)
        context["error"] = error
        return render(request, "sandbox/_messages.html", context)
    if error:
        messages.error(request, error)
    return redirect("sandbox:thread", user_id=other.pk)


@require_POST
def typing(request: HttpRequest, user_id: int) -> HttpResponse:
    people = _people(request, user_id)
    if isinstance(people, HttpResponse):
        return HttpResponse(status=204)
    user_typing(sender=people[0], recipient=people[1])
    return HttpResponse(status=204)


@require_GET
def dm_media(request: HttpRequest, event_id: int) -> HttpResponse:
    me = current_user(request)
    dm = SandboxDirectMessage.objects.filter(pk=event_id).select_related("media").first()
    if me is None or dm is None or not dm.media_id or me.pk not in (dm.sender_id, dm.recipient_id):
        raise Http404("no such image")
    return FileResponse(dm.media.file.open("rb"), content_type=dm.media.media_type)


@require_GET
def welcome_media(request: HttpRequest, welcome_id: int) -> HttpResponse:
    welcome = SandboxWelcomeMessage.objects.filter(pk=welcome_id).select_related("media").first()
    if current_user(request) is None or welcome is None or welcome.media is None:
        raise Http404("no such image")
    return FileResponse(welcome.media.file.open("rb"), content_type=welcome.media.media_type)
