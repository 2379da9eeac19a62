"""Sign in with Twitter once in a real browser: Debian's Chromium driven by Playwright, Roost
and the sandbox on the live server, the subscribe task in a real worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accounts.models import TwitterAccount
from tests.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from tests.helpers import wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    needs_chromium,
]


@pytest.fixture
def page(monkeypatch) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_a_brand_owner_signs_in_with_twitter_in_a_browser(page, sandbox, webhook, celery_worker):
    page.goto(f"{sandbox.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Twitter").click()

    # The sandbox's "Authorise Roost" page, as Twitter would show it.
    page.wait_for_url("**/sandbox/api/oauth/authenticate?oauth_token=*")
    page.get_by_label("New screen name").fill("acme_help")
    page.get_by_label("Name", exact=True).fill("Acme Help")
    page.get_by_role("button", name="Authorize app").click()

    page.wait_for_url(f"{sandbox.url}/")
    # The new brand's inbox: named after the account, with the DM link to share.
    assert (
        page.get_by_role("button", name="Current brand: Acme Help").is_visible()
        or page.get_by_text("Acme Help").first.is_visible()
    )
    assert page.get_by_text("No conversations yet").is_visible()
    assert "Welcome to Roost! Acme Help is your brand and @acme_help is connected." in page.content()

    account = TwitterAccount.objects.get()
    wait_until(
        lambda: TwitterAccount.objects.get(pk=account.pk).subscription_state == "subscribed",
        what="the subscribe task",
    )
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Twitter accounts").click()
    row = page.get_by_role("row", name="@acme_help")
    assert row.get_by_text("Subscribed").is_visible()
    assert row.get_by_role("button", name="Reconnect @acme_help").is_visible()
