"""Group commit and the WSGI fast path: every 200 means the event is committed."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError, transaction

from config.wsgi import application
from tests.helpers import run_in_threads
from tests.webhooks import payloads as p
from webhooks.models import WebhookEvent
from webhooks.services import intake
from webhooks.services.intake import IntakeUnavailable, webhook_event_store


@pytest.fixture(autouse=True)
def doorbell_rings(monkeypatch) -> list[bool]:
    """These tests are about storing. The doorbell publishes from its own thread, a moment
    after the 200: left alone, that publish can reach the session's Celery worker after the test,
    which would then process events while the database is flushed under it."""
    from webhooks.tasks import events_doorbell

    rings: list[bool] = []
    monkeypatch.setattr(events_doorbell, "ring", lambda: rings.append(True))
    return rings


def store(n: int) -> None:
    payload = p.direct_messages(p.message_event(text=f"burst {n}"))
    webhook_event_store(body=p.encode(payload).decode(), payload=payload)


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_share_commits_and_every_one_is_stored():
    run_in_threads(store, 40)
    assert WebhookEvent.objects.count() == 40


@pytest.mark.django_db(transaction=True)
def test_a_stored_event_is_committed_when_store_returns():
    store(1)
    # A fresh connection (this thread's) sees it: it was committed by the writer, not pending.
    assert WebhookEvent.objects.filter(body__contains="burst 1").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_is_reported_and_the_request_answers_500(client, monkeypatch, doorbell_rings):
    def broken(*args, **kwargs):
        raise OperationalError("the database went away")

    # Only this patch is undone: monkeypatch.undo() would also undo the silenced doorbell, and
    # the real one would hand the next event to the session's worker while the database is
    # flushed under it (a flush that then fails).
    with monkeypatch.context() as database_gone:
        database_gone.setattr(intake, "insert_events", broken)
        with pytest.raises(IntakeUnavailable):
            store(1)
        assert p.post_signed(client, p.direct_messages(p.message_event())).status_code == 500
    assert not WebhookEvent.objects.exists()
    store(2)  # the writer recovers for the next delivery
    assert WebhookEvent.objects.count() == 1
    assert doorbell_rings == [True]  # the silenced doorbell, rung for the stored event only


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_never_comes_is_a_500_not_a_hang(monkeypatch):
    monkeypatch.setattr(intake, "COMMIT_TIMEOUT_SECONDS", 0.2)
    gate = threading.Event()
    given_up = threading.Event()

    def never_commits(*args, **kwargs):
        # It fails in the end rather than landing late: a row committed after the test (and a
        # worker processing it) would race the flush of the test database.
        try:
            gate.wait(5)
            raise OperationalError("the database never answered")
        finally:
            given_up.set()

    monkeypatch.setattr(intake, "insert_events", never_commits)
    try:
        with pytest.raises(IntakeUnavailable, match="not committed within"):
            store(1)
    finally:
        gate.set()
        assert given_up.wait(5)


@pytest.mark.django_db
def test_inside_a_transaction_the_event_joins_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        store(1)
        assert WebhookEvent.objects.exists()
        raise RuntimeError("roll back")
    assert not WebhookEvent.objects.exists()


def call_full(
    method: str,
    path: str,
    body: bytes = b"",
    query: str = "",
    host: str = "127.0.0.1",
    scheme: str = "http",
    app=None,
    **headers,
) -> tuple[int, dict[str, str]]:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": host,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": scheme,
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{key.upper()}": value for key, value in headers.items()},
    }
    status = {}

    def start_response(line: str, response_headers: list) -> None:
        status["code"] = int(line.split()[0])
        status["headers"] = dict(response_headers)

    b"".join((app or application)(environ, start_response))
    return status["code"], status["headers"]


def call(method: str, path: str, body: bytes = b"", **kwargs) -> int:
    return call_full(method, path, body, **kwargs)[0]


@pytest.mark.django_db(transaction=True)
def test_the_fast_path_takes_signed_deliveries(settings):
    body = p.encode(p.direct_messages(p.message_event()))
    assert call("POST", "/webhooks/twitter/", body, X_TWITTER_WEBHOOKS_SIGNATURE=p.signature_for(body)) == 200
    assert WebhookEvent.objects.count() == 1
    assert call("POST", "/webhooks/twitter/", body, X_TWITTER_WEBHOOKS_SIGNATURE="sha256=forged") == 403
    assert call("GET", "/webhooks/twitter/", query="crc_token=abc") == 200
    assert WebhookEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_fast_path_checks_the_host_and_leaves_other_urls_to_django():
    body = p.encode(p.direct_messages(p.message_event()))
    assert (
        call(
            "POST", "/webhooks/twitter/", body, host="evil.example", X_TWITTER_WEBHOOKS_SIGNATURE=p.signature_for(body)
        )
        == 400
    )
    assert not WebhookEvent.objects.exists()
    assert call("GET", "/healthz") == 200
    assert call("GET", "/") == 302  # the dashboard, through Django's whole stack (login first)


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_hangs_does_not_hold_the_next_commit(monkeypatch):
    # Redis accepting connections and never answering holds a publish for its socket timeout;
    # the doorbell publishes on its own thread, so the next delivery is committed meanwhile.
    from config.queue import Doorbell
    from webhooks.tasks import events_doorbell

    monkeypatch.setattr(intake, "COMMIT_TIMEOUT_SECONDS", 2.0)
    gate = threading.Event()
    publishing = threading.Event()

    def hanging_publish() -> None:
        publishing.set()
        gate.wait(10)

    monkeypatch.setattr(events_doorbell, "ring", Doorbell.ring.__get__(events_doorbell))
    monkeypatch.setattr(events_doorbell, "publish", hanging_publish)
    try:
        store(1)
        assert publishing.wait(5)
        store(2)
        store(3)
    finally:
        gate.set()
    assert WebhookEvent.objects.count() == 3


def _comparable(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name not in ("X-Request-ID", "Content-Length")}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("delivery", "expected"),
    [("signed", 200), ("forged", 403), ("unsigned", 403), ("not JSON", 400), ("too big", 413)],
)
def test_the_fast_path_answers_as_djangos_handler_would(delivery, expected):
    from webhooks.views import MAX_BODY_BYTES
    from webhooks.wsgi import WebhookHandler

    body = {
        "not JSON": b'{"for_user_id": ',
        "too big": b'{"padding": "' + b"x" * MAX_BODY_BYTES + b'"}',
    }.get(delivery, p.encode(p.direct_messages(p.message_event())))
    headers = {
        "signed": {"X_TWITTER_WEBHOOKS_SIGNATURE": p.signature_for(body)},
        "forged": {"X_TWITTER_WEBHOOKS_SIGNATURE": "sha256=forged"},
        "unsigned": {},
    }.get(delivery, {"X_TWITTER_WEBHOOKS_SIGNATURE": p.signature_for(body)})
    fast = call_full("POST", "/webhooks/twitter/", body, **headers)
    stored_by_fast_path = WebhookEvent.objects.count()
    django = call_full("POST", "/webhooks/twitter/", body, app=WebhookHandler(), **headers)
    assert fast[0] == django[0] == expected
    assert _comparable(fast[1]) == _comparable(django[1])
    assert len(fast[1]["X-Request-ID"]) == 12
    # Only a good delivery is stored (once per path); every refusal changes nothing.
    assert stored_by_fast_path == (1 if expected == 200 else 0)
    assert WebhookEvent.objects.count() == (2 if expected == 200 else 0)


@pytest.mark.django_db(transaction=True)
def test_the_fast_path_leaves_https_redirects_and_other_methods_to_django(settings):
    from django.core.wsgi import get_wsgi_application

    from webhooks.wsgi import with_webhook_fast_path

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    app = with_webhook_fast_path(get_wsgi_application())  # security settings are read at startup
    body = p.encode(p.direct_messages(p.message_event()))
    signature = p.signature_for(body)
    status, headers = call_full("POST", "/webhooks/twitter/", body, app=app, X_TWITTER_WEBHOOKS_SIGNATURE=signature)
    assert (status, headers["Location"]) == (301, "https://127.0.0.1/webhooks/twitter/")
    assert not WebhookEvent.objects.exists()
    status, headers = call_full(
        "POST", "/webhooks/twitter/", body, scheme="https", app=app, X_TWITTER_WEBHOOKS_SIGNATURE=signature
    )
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=3600")
    put = call_full("PUT", "/webhooks/twitter/", body, scheme="https", app=app, X_TWITTER_WEBHOOKS_SIGNATURE=signature)
    assert put[0] == 405
    assert WebhookEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("error", "expected"), [(RuntimeError("boom"), 500), (SuspiciousOperation("odd request"), 400)]
)
def test_an_error_on_the_fast_path_is_answered_and_logged_as_django_would(monkeypatch, caplog, error, expected):
    from webhooks import views

    def broken(**kwargs):
        raise error

    monkeypatch.setattr(views, "webhook_event_store", broken)
    body = p.encode(p.direct_messages(p.message_event()))
    assert call("POST", "/webhooks/twitter/", body, X_TWITTER_WEBHOOKS_SIGNATURE=p.signature_for(body)) == expected
    if expected == 500:
        assert any(record.levelname == "ERROR" and record.exc_info for record in caplog.records)
    assert not WebhookEvent.objects.exists()
