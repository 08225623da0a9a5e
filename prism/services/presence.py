"""Who has a briefing's change form open: a soft lock, as in Wagtail.

Nothing is locked: editors are told that someone else is working on the same
briefing, and the version check still refuses a stale save. Presence lives in the
default cache and expires on its own (``PRESENCE_SECONDS`` after the last ping);
share the cache between web workers (see the README) so everyone sees everyone.
"""

from __future__ import annotations

import time

from django.core.cache import cache

PRESENCE_SECONDS = 90


def _key(briefing_id: int) -> str:
    return f"prism:editing:{briefing_id}"


def _fresh(entries: dict, now: float) -> dict:
    return {
        user_id: entry
        for user_id, entry in entries.items()
        if now - entry["seen"] < PRESENCE_SECONDS
    }


def presence_touch(*, briefing_id: int, user, now: float | None = None) -> list[str]:
    """Record that ``user`` has the briefing open; return the others' names."""
    now = time.time() if now is None else now
    entries = _fresh(cache.get(_key(briefing_id)) or {}, now)
    entries[user.pk] = {"name": user.get_username(), "seen": now}
    cache.set(_key(briefing_id), entries, PRESENCE_SECONDS * 2)
    return sorted(e["name"] for uid, e in entries.items() if uid != user.pk)


def presence_leave(*, briefing_id: int, user) -> None:
    """The user closed the form (or left the page)."""
    entries = cache.get(_key(briefing_id)) or {}
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(briefing_id), entries, PRESENCE_SECONDS * 2)


def presence_message(names: list[str]) -> str:
    """The notice editors read, or "" when nobody else is there."""
    if not names:
        return ""
    who = "·".join(f"{name}님" for name in names)
    return (
        f"{who}도 지금 이 브리핑을 열어 두었습니다. 함께 고치면 나중에 저장하는 "
        "쪽은 두 내용을 비교해 다시 저장하게 됩니다."
    )
