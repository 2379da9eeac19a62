"""Custom profiles made in the admin reach Twitter (the sandbox, over real HTTP) through a real
Celery worker; each member's default profile is chosen among their brand's synced ones."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from engagement.models import CustomProfile
from engagement.selectors import custom_profile_default_for, custom_profiles_for_account
from sandbox.models import SandboxCustomProfile, SandboxMedia
from sandbox.services import fault_inject
from tests.engagement.support import admin_url, gif, gone, png, settled
from tests.factories import CustomProfileFactory, TwitterAccountFactory
from tests.helpers import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_wire("custom_profiles")]


@pytest.fixture
def admin(client, dana):
    client.force_login(dana)
    return client


def create(admin, account, name="Ana, Support", avatar=None) -> CustomProfile:
    response = admin.post(
        admin_url(CustomProfile, "add"), {"account": account.pk, "name": name, "avatar": avatar or png()}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return CustomProfile.objects.latest("pk")


# --- sync ------------------------------------------------------------------------------------
@pytest.mark.worker
def test_a_new_profile_is_created_on_twitter_with_its_avatar(celery_worker, admin, account, dana):
    profile = create(admin, account)
    assert profile.created_by == dana
    profile = settled(CustomProfile, profile.pk)
    assert (profile.sync_state, profile.sync_error) == ("synced", "")
    remote = SandboxCustomProfile.objects.get(pk=profile.twitter_id)
    assert (remote.name, remote.owner_id) == ("Ana, Support", int(account.twitter_user_id))
    assert remote.avatar.media_type == "image/png"
    assert str(remote.avatar_id) == profile.avatar_media_id
    assert profile.avatar_url.endswith(f"/sandbox/pbs/media/{remote.avatar_id}.png")
    assert profile.avatar_url in admin.get(admin_url(CustomProfile, "changelist")).text


def test_a_name_over_48_characters_is_refused_before_sending(admin, account):
    response = admin.post(admin_url(CustomProfile, "add"), {"account": account.pk, "name": "n" * 49, "avatar": png()})
    assert response.status_code == 200
    assert "at most 48 characters" in response.text
    assert not CustomProfile.objects.exists()
    assert not SandboxCustomProfile.objects.exists()
    assert not SandboxMedia.objects.exists()  # not even the avatar was uploaded


def test_an_avatar_is_required_and_must_be_an_image(admin, account):
    without = admin.post(admin_url(CustomProfile, "add"), {"account": account.pk, "name": "Ana"})
    assert "Twitter needs one for every custom profile" in without.text
    not_an_image = admin.post(
        admin_url(CustomProfile, "add"),
        {"account": account.pk, "name": "Ana", "avatar": SimpleUploadedFile("x.png", b"text")},
    )
    assert "Upload a JPEG, PNG, GIF or WebP image" in not_an_image.text
    assert not CustomProfile.objects.exists()


@pytest.mark.worker
def test_an_edit_creates_it_anew_on_twitter_and_destroys_the_old_one(celery_worker, admin, account, brand_a, dana):
    profile = settled(CustomProfile, create(admin, account).pk)
    old_id = profile.twitter_id
    Membership.objects.filter(user=dana).update(default_custom_profile=profile)

    response = admin.post(admin_url(CustomProfile, "change", profile.pk), {"name": "Ana B, Support"})
    assert response.status_code == 302

    profile = settled(CustomProfile, profile.pk)
    assert profile.sync_state == "synced"
    assert profile.twitter_id != old_id
    assert SandboxCustomProfile.objects.get(pk=profile.twitter_id).name == "Ana B, Support"
    # Destroyed once the new one is recorded, so replies never go out under a destroyed one.
    wait_until(lambda: SandboxCustomProfile.objects.get(pk=old_id).deleted_at, what="the old profile to go")
    assert Membership.objects.get(user=dana).default_custom_profile == profile  # still the member's default


@pytest.mark.worker
def test_a_new_avatar_is_a_new_profile_too(celery_worker, admin, account):
    profile = settled(CustomProfile, create(admin, account).pk)
    admin.post(admin_url(CustomProfile, "change", profile.pk), {"name": profile.name, "avatar": gif()})
    updated = settled(CustomProfile, profile.pk)
    assert updated.twitter_id != profile.twitter_id
    wait_until(lambda: SandboxCustomProfile.objects.get(pk=profile.twitter_id).deleted_at, what="the old profile to go")
    assert SandboxCustomProfile.objects.get(pk=updated.twitter_id).avatar.media_type == "image/gif"


@pytest.mark.worker
def test_deleting_it_deletes_it_on_twitter_and_clears_it_as_a_default(celery_worker, admin, account, dana):
    profile = settled(CustomProfile, create(admin, account).pk)
    Membership.objects.filter(user=dana).update(default_custom_profile=profile)
    admin.post(admin_url(CustomProfile, "delete", profile.pk), {"post": "yes"})
    gone(CustomProfile, profile.pk)
    assert SandboxCustomProfile.objects.get(pk=profile.twitter_id).deleted_at is not None
    assert Membership.objects.get(user=dana).default_custom_profile is None


@pytest.mark.worker
def test_a_refusal_is_shown_and_sync_again_recovers(celery_worker, admin, account):
    fault_inject(
        endpoint="POST custom_profiles/new",
        status=403,
        code=87,
        message="Client is not permitted to perform this action.",
    )
    profile = settled(CustomProfile, create(admin, account).pk)
    assert profile.sync_state == "failed"
    assert profile.sync_error == "Twitter refused: Client is not permitted to perform this action. (code 87)."
    assert "Client is not permitted" in admin.get(admin_url(CustomProfile, "changelist")).text

    admin.post(admin_url(CustomProfile, "changelist"), {"action": "sync_again", "_selected_action": [profile.pk]})
    profile = settled(CustomProfile, profile.pk)
    assert (profile.sync_state, profile.sync_error) == ("synced", "")
    assert SandboxCustomProfile.objects.filter(pk=profile.twitter_id).exists()


@pytest.mark.worker
def test_a_rate_limit_leaves_it_waiting_for_the_sweep_not_failed(celery_worker, admin, account):
    from engagement.services.custom_profiles_sync import custom_profile_sync

    fault_inject(endpoint="POST custom_profiles/new", status=429, code=88)
    profile = create(admin, account)
    profile = wait_until(
        lambda: (row := CustomProfile.objects.get(pk=profile.pk)).sync_error and row, what="the rate limit note"
    )
    assert profile.sync_state == "pending"
    assert profile.sync_error.startswith("Twitter's rate limit for this is used up")
    custom_profile_sync(custom_profile_id=profile.pk)  # what the sweep's ring runs, after the reset
    profile.refresh_from_db()
    assert (profile.sync_state, profile.sync_error) == ("synced", "")


@pytest.mark.worker
def test_a_refused_delete_keeps_the_row_as_failed_until_sync_again(celery_worker, admin, account):
    profile = settled(CustomProfile, create(admin, account).pk)
    fault_inject(endpoint="DELETE custom_profiles/destroy", status=403, code=261)
    admin.post(admin_url(CustomProfile, "delete", profile.pk), {"post": "yes"})
    profile = settled(CustomProfile, profile.pk)
    assert profile.sync_state == "failed"
    assert profile.sync_error.startswith("Not deleted on Twitter:")
    admin.post(admin_url(CustomProfile, "changelist"), {"action": "sync_again", "_selected_action": [profile.pk]})
    gone(CustomProfile, profile.pk)


# --- each member's default -------------------------------------------------------------------
@pytest.fixture
def profiles(brand_a, brand_b):
    account = TwitterAccountFactory(brand=brand_a, screen_name="our_account")
    return {
        "synced": CustomProfileFactory(account=account, name="Synced Ana", twitter_id="1", sync_state="synced"),
        "pending": CustomProfileFactory(account=account, name="Pending Jon", sync_state="pending"),
        "failed": CustomProfileFactory(account=account, name="Failed Bo", sync_state="failed"),
        "theirs": CustomProfileFactory(
            account=TwitterAccountFactory(brand=brand_b), name="Their Cy", twitter_id="2", sync_state="synced"
        ),
    }


def test_a_members_default_is_chosen_among_the_brands_synced_profiles(client, alice, dana, profiles):
    membership = Membership.objects.get(user=dana)
    client.force_login(alice)
    page = client.get(admin_url(Membership, "change", membership.pk)).text
    assert "Synced Ana" in page
    for name in ("Pending Jon", "Failed Bo", "Their Cy"):
        assert name not in page

    response = client.post(
        admin_url(Membership, "change", membership.pk),
        {"user": dana.pk, "role": "admin", "default_custom_profile": profiles["synced"].pk},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.default_custom_profile == profiles["synced"]
    assert custom_profile_default_for(membership=membership) == profiles["synced"]


def test_only_the_default_profile_changes_in_the_membership_admin(client, alice, dana, bob, profiles):
    """Roles change in Settings → Members, where only owners make owners: never here."""
    membership = Membership.objects.get(user=bob)
    client.force_login(dana)
    response = client.post(
        admin_url(Membership, "change", membership.pk),
        {"user": dana.pk, "role": "owner", "default_custom_profile": profiles["synced"].pk},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.user, membership.role) == (bob, "agent")
    assert membership.default_custom_profile == profiles["synced"]


@pytest.mark.parametrize("which", ["theirs", "pending"])
def test_another_brands_or_an_unsynced_profile_is_refused_as_a_default(client, alice, dana, profiles, which):
    membership = Membership.objects.get(user=dana)
    client.force_login(alice)
    response = client.post(
        admin_url(Membership, "change", membership.pk),
        {"user": dana.pk, "role": "admin", "default_custom_profile": profiles[which].pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    membership.refresh_from_db()
    assert membership.default_custom_profile is None


def test_the_outsider_cannot_set_our_members_default(client, charlie, dana, profiles):
    membership = Membership.objects.get(user=dana)
    client.force_login(charlie)
    client.post(
        admin_url(Membership, "change", membership.pk),
        {"user": dana.pk, "role": "owner", "default_custom_profile": profiles["theirs"].pk},
    )
    membership.refresh_from_db()
    assert (membership.role, membership.default_custom_profile) == ("admin", None)


def test_the_default_is_preselected_only_while_it_is_usable(dana, profiles, brand_a):
    membership = Membership.objects.get(user=dana)
    membership.default_custom_profile = profiles["synced"]
    membership.save()
    account = profiles["synced"].account
    assert custom_profile_default_for(membership=membership, account=account) == profiles["synced"]
    assert custom_profile_default_for(membership=membership, account=TwitterAccountFactory(brand=brand_a)) is None
    CustomProfile.objects.filter(pk=profiles["synced"].pk).update(sync_state="deleting")
    assert custom_profile_default_for(membership=membership) is None


def test_a_default_from_another_brand_is_never_preselected(dana, profiles):
    membership = Membership.objects.get(user=dana)
    Membership.objects.filter(pk=membership.pk).update(default_custom_profile=profiles["theirs"])
    membership.refresh_from_db()
    assert custom_profile_default_for(membership=membership) is None


def test_an_accounts_usable_profiles_are_its_synced_ones(brand_a, brand_b, profiles):
    account = profiles["synced"].account
    assert list(custom_profiles_for_account(brand=brand_a, account=account)) == [profiles["synced"]]
    assert list(custom_profiles_for_account(brand=brand_b, account=account)) == []
