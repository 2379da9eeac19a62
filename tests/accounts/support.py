"""A person's browser for tests: Roost and the sandbox's Sign in with Twitter pages over
real HTTP (``requests`` against Django's live server)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import requests

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def page_text(html: str) -> str:
    """What a person reads: tags dropped, whitespace collapsed, entities left alone."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class TwitterBrowser:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.session = requests.Session()

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base}{path}"

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return self.session.get(self.url(path), timeout=15, **kwargs)

    def post(self, path: str, data: dict, *, from_page: str, **kwargs: object) -> requests.Response:
        """Submit a form the way the page that holds it would (with its CSRF token)."""
        token = csrf_token(self.get(from_page).text)
        return self.session.post(self.url(path), data={"csrfmiddlewaretoken": token, **data}, timeout=15, **kwargs)

    def log_in(self, email: str, password: str = PASSWORD, *, next_url: str = "") -> requests.Response:
        path = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
        return self.post(path, {"login": email, "password": password}, from_page="/accounts/login/")

    def sign_in_with_twitter(
        self,
        *,
        screen_name: str = "",
        as_user: object = None,
        name: str = "",
        cancel: bool = False,
        start: str = "/accounts/twitter/login/",
        from_page: str = "/accounts/login/",
    ) -> requests.Response:
        """Click "Sign in with Twitter" (or Connect), then authorise on the sandbox's page as
        an existing sandbox user (``as_user``) or a new one (``screen_name``)."""
        started = self.post(start, {}, from_page=from_page, allow_redirects=False)
        assert started.status_code == 302, started.text[:500]
        page = self.get(started.headers["Location"])
        if not urlsplit(page.url).path.startswith("/sandbox/"):
            return page  # Twitter sends someone who already authorised Roost straight back
        return self.authorise(page, screen_name=screen_name, as_user=as_user, name=name, cancel=cancel)

    def authorise(
        self,
        page: requests.Response,
        *,
        screen_name: str = "",
        as_user: object = None,
        name: str = "",
        cancel: bool = False,
    ) -> requests.Response:
        data = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "oauth_token": parse_qs(urlsplit(page.url).query)["oauth_token"][0],
            "action": "cancel" if cancel else "authorize",
        }
        if as_user is not None:
            data["user_id"] = str(as_user.id)
        else:
            data.update(screen_name=screen_name, name=name)
        return self.session.post(page.url, data=data, timeout=15)
