"""Debian's Chromium driven by Playwright, for the tests that need a real browser."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("ROOST_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium's own connections are refused on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM}")
