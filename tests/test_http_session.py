"""Outgoing HTTP reads the environment's proxy settings once per host, and still honours them."""

from __future__ import annotations

import requests

from config.http import Session, SessionPerThread


def test_proxy_settings_are_read_once_per_host_and_honoured(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    reads: list[str] = []
    original = requests.Session.merge_environment_settings

    def counted(self, url, *args):
        reads.append(url)
        return original(self, url, *args)

    monkeypatch.setattr(requests.Session, "merge_environment_settings", counted)
    session = Session()
    first = session.merge_environment_settings("https://api.twitter.com/1.1/a.json", {}, None, None, None)
    second = session.merge_environment_settings("https://api.twitter.com/2/b", {}, None, None, None)
    internal = session.merge_environment_settings("https://internal.example/webhook", {}, None, None, None)

    assert first["proxies"]["https"] == "http://proxy.example:3128"
    assert second == first
    assert internal["proxies"].get("https") is None  # NO_PROXY still applies per host
    assert reads == ["https://api.twitter.com/1.1/a.json", "https://internal.example/webhook"]
    second["proxies"]["https"] = "changed by a caller"
    assert session.merge_environment_settings("https://api.twitter.com/x", {}, None, None, None) == first


def test_settings_given_to_a_call_are_merged_as_requests_would(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = Session()
    explicit = session.merge_environment_settings(
        "https://api.twitter.com/", {"https": "http://other.example:8080"}, None, False, None
    )
    assert explicit["proxies"]["https"] == "http://other.example:8080"
    assert explicit["verify"] is False


def test_each_thread_keeps_its_own_session_with_the_given_headers():
    from concurrent.futures import ThreadPoolExecutor

    sessions = SessionPerThread(headers={"User-Agent": "Roost/test"})
    mine = sessions.get()
    assert sessions.get() is mine
    assert mine.headers["User-Agent"] == "Roost/test"
    with ThreadPoolExecutor(1) as pool:
        theirs = pool.submit(sessions.get).result()
    assert theirs is not mine
    assert theirs.headers["User-Agent"] == "Roost/test"
