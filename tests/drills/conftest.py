"""Fixtures for the fault drills (``make drills``): each drill gets its own copy of a freshly
migrated database, an empty Redis db 6, its proxies and its own Roost processes."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.drills.stack import Services, Stack, running_stack, template_prepare


@pytest.fixture(scope="session")
def services() -> Services:
    return Services.from_environment()


@pytest.fixture(scope="session")
def drill_work(services: Services) -> Path:
    work = Path(tempfile.mkdtemp(prefix="roost-drills-"))
    _logs.append(work)
    template_prepare(services, work)
    return work


@pytest.fixture
def stack(request: pytest.FixtureRequest, services: Services, drill_work: Path) -> Iterator[Stack]:
    # Short enough for a database name; parametrized drills get a suffix of their own.
    digest = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:6]
    name = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower().removeprefix("test_")).strip("_")[:24] + "_" + digest
    with running_stack(name, services, drill_work) as running:
        yield running
        # Recovery must be by itself: no process the drill did not kill may have exited.
        exited = {name: proc.returncode for name, proc in running.procs.items() if proc.poll() is not None}
        assert not exited, f"processes exited during the drill: {exited}"


_timings: list[tuple[str, dict[str, float]]] = []
_logs: list[Path] = []


@pytest.fixture
def timings(request: pytest.FixtureRequest) -> Iterator[dict[str, float]]:
    """What a drill measured (seconds, counts), printed at the end of the run for the write-up."""
    measured: dict[str, float] = {}
    yield measured
    _timings.append((request.node.name, measured))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _timings:
        terminalreporter.section("drill timings")
        for name, measured in _timings:
            terminalreporter.write_line(f"{name}: " + ", ".join(f"{key}={value}" for key, value in measured.items()))
    for work in _logs:
        terminalreporter.write_line(f"processes' logs: {work}")
