from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, TwitterAccountFactory

pytestmark = pytest.mark.django_db


def test_home_shows_the_current_brand_and_its_accounts(client, alice, brand_a):
    TwitterAccountFactory(brand=brand_a, screen_name="acme_help")
    client.force_login(alice)
    response = client.get("/")
    assert response.status_code == 200
    assert "Acme" in response.text
    assert "@acme_help" in response.text


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_member_of_two_brands_switches_between_them(client, alice, brand_b):
    MembershipFactory(brand=brand_b, user=alice)
    TwitterAccountFactory(brand=brand_b, screen_name="bolt_help")
    client.force_login(alice)
    assert "Bolt" in client.get("/").text  # offered in the switcher
    response = client.post(reverse("brand_switch"), {"brand": str(brand_b.public_id), "next": "/"})
    assert response.status_code == 302
    assert "@bolt_help" in client.get("/").text


def test_switching_to_a_brand_one_is_not_in_is_a_404(client, alice, brand_b):
    client.force_login(alice)
    response = client.post(reverse("brand_switch"), {"brand": str(brand_b.public_id)})
    assert response.status_code == 404
    assert "Acme" in client.get("/").text


def test_the_switcher_never_redirects_off_site(client, alice, brand_a):
    client.force_login(alice)
    response = client.post(reverse("brand_switch"), {"brand": str(brand_a.public_id), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_outsider_does_not_see_our_accounts(client, charlie, brand_a):
    TwitterAccountFactory(brand=brand_a, screen_name="acme_help")
    client.force_login(charlie)
    assert "@acme_help" not in client.get("/").text
