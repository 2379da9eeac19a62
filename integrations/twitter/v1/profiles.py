"""Custom profiles (twitter-api.md §8): an agent's name and avatar on a DM."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations.twitter.types import CustomProfileRef, Page, UserCredentials
from integrations.twitter.v1.base import ClientBase
from integrations.twitter.validation import validate_custom_profile_name


def _ref(data: dict[str, Any]) -> CustomProfileRef:
    profile = data.get("custom_profile", data)
    avatar_url = ((profile.get("avatar") or {}).get("media") or {}).get("url", "")
    return CustomProfileRef(id=str(profile["id"]), name=profile.get("name", ""), avatar_url=avatar_url, raw=profile)


class CustomProfilesMixin(ClientBase):
    def custom_profile_create(self, user: UserCredentials, *, name: str, avatar_media_id: str) -> CustomProfileRef:
        validate_custom_profile_name(name)
        body = {"custom_profile": {"name": name, "avatar": {"media": {"id": str(avatar_media_id)}}}}
        return _ref(self.json(self.as_user(user, "POST", "1.1/custom_profiles/new.json", json_body=body)))

    def custom_profile_show(self, user: UserCredentials, profile_id: str) -> CustomProfileRef:
        return _ref(self.json(self.as_user(user, "GET", f"1.1/custom_profiles/{quote(profile_id, safe='')}.json")))

    def custom_profiles_list(self, user: UserCredentials, *, cursor: str | None = None, count: int = 50) -> Page:
        params: dict[str, Any] = {"count": min(count, 50), **({"cursor": cursor} if cursor else {})}
        data = self.json(self.as_user(user, "GET", "1.1/custom_profiles/list.json", params=params))
        return Page(items=data.get("custom_profiles", []), next_cursor=data.get("next_cursor"))

    def custom_profile_destroy(self, user: UserCredentials, profile_id: str) -> None:
        self.as_user(user, "DELETE", "1.1/custom_profiles/destroy.json", params={"id": profile_id})
