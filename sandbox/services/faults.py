"""Fault injection: the next N calls to an endpoint fail with a given status and Twitter
error, or are delayed. Checked before normal processing, consumed one per call."""

from __future__ import annotations

import threading

from django.utils import timezone

from config.compiled import CompiledQuery
from sandbox import errors
from sandbox.models import SandboxFault
from sandbox.services.users import SandboxInputError


def endpoint_normalise(endpoint: str) -> tuple[str, str]:
    """``"POST /1.1/direct_messages/events/new.json"`` → ``("POST", "direct_messages/events/new")``;
    the method is ``""`` (any) when left out."""
    method, _, path = endpoint.strip().partition(" ")
    if not path:
        method, path = "", method
    if method.upper() not in {"", "*", "GET", "POST", "PUT", "DELETE"}:
        raise SandboxInputError(f"endpoint {endpoint!r} must look like 'POST direct_messages/events/new'")
    path = path.strip().strip("/")
    for prefix in ("sandbox/api/", "sandbox/upload/", "1.1/"):
        path = path.removeprefix(prefix)
    path = path.removesuffix(".json")
    if not path:
        raise SandboxInputError("endpoint needs a path, e.g. 'POST direct_messages/events/new'")
    return ("" if method == "*" else method.upper()), path


def fault_inject(
    *,
    endpoint: str,
    count: int = 1,
    status: int | None,
    code: int | None = None,
    message: str = "",
    delay_seconds: float = 0,
    rate_limit_reset: int | None = None,
) -> SandboxFault:
    """Make the next ``count`` calls to ``endpoint`` answer ``status`` with Twitter's error
    ``code``/``message`` (a default for the status when left out), after ``delay_seconds``.
    ``status=None`` only delays the calls, which then run normally."""
    method, path = endpoint_normalise(endpoint)
    if count < 1:
        raise SandboxInputError("count must be at least 1")
    if status is not None and not 400 <= int(status) <= 599:
        raise SandboxInputError("status must be a 4xx or 5xx HTTP status, or None to only delay the calls")
    if not 0 <= float(delay_seconds) <= 60:
        raise SandboxInputError("delay_seconds must be between 0 and 60")
    if status is None and not delay_seconds:
        raise SandboxInputError("give a status to fail the calls, or delay_seconds to slow them down")
    return SandboxFault.objects.create(
        endpoint=f"{method} {path}".strip(),
        remaining=count,
        status=status,
        code=code,
        message=message[:300],
        delay_seconds=float(delay_seconds),
        rate_limit_reset=rate_limit_reset,
    )


def faults_clear() -> int:
    return SandboxFault.objects.all().delete()[0]


def _matches(fault: SandboxFault, *, method: str, paths: tuple[str, ...]) -> bool:
    fault_method, fault_path = endpoint_normalise(fault.endpoint)
    return (not fault_method or fault_method == method) and fault_path in paths


# Every API call asks (config/compiled.py).
_ANY_FAULT = CompiledQuery(SandboxFault, lambda: SandboxFault.objects.filter(remaining__gt=0).values_list("pk")[:1])


def fault_take(*, method: str, template: str, path: str, aliases: tuple[str, ...] = ()) -> errors.TwitterError | None:
    """Consume the first fault matching this call (its path, its template, or the v1.1
    endpoint a v2 path stands for); delay; return the error to answer, if any."""
    if _ANY_FAULT.first_value() is None:
        return None  # nearly every call: one precompiled look, no query to build
    for fault in SandboxFault.objects.filter(remaining__gt=0).order_by("created_at", "id"):
        if not _matches(fault, method=method, paths=(template, path, *aliases)):
            continue
        # Conditional, so two concurrent calls never both take the last one.
        if SandboxFault.objects.filter(pk=fault.pk, remaining__gt=0).update(remaining=fault.remaining - 1) != 1:
            continue
        SandboxFault.objects.filter(pk=fault.pk, remaining=0).delete()
        if fault.delay_seconds:
            threading.Event().wait(fault.delay_seconds)
        if fault.status is None:
            return None
        default_code, default_message = errors.DEFAULT_FAULT_ERRORS.get(fault.status, (131, "Internal error"))
        code = fault.code if fault.code is not None else default_code
        message = fault.message or (default_message if fault.code is None else "Injected failure.")
        headers = {}
        if fault.status == 429:
            reset = fault.rate_limit_reset or int(timezone.now().timestamp()) + 900
            headers = {"x-rate-limit-limit": "15", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
        return errors.TwitterError(fault.status, code, message, headers=headers)
    return None
