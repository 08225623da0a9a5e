"""Signed, expiring, revocable read-only links to one revision for outside reviewers."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import transaction
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import AuditEvent, Briefing, BriefingRevision, ShareLink
from prism.services.audit import Actor, audit_record
from prism.services.workflow import (
    WorkflowPermissionDenied,
    ensure_current_revision,
    user_has_perm,
)

SALT = "prism.share_link"


class ShareLinkInvalid(Exception):
    """The token is forged, expired or revoked."""


def share_link_token(link: ShareLink) -> str:
    """The signed token that identifies ``link`` (valid only while the link is)."""
    return signing.dumps({"l": link.pk, "r": link.revision_id}, salt=SALT)


def _max_hours() -> int:
    return int(prism_settings.SHARE_LINK_MAX_AGE_HOURS)


@transaction.atomic
def share_link_create(
    *,
    briefing: Briefing,
    user: Actor,
    revision: BriefingRevision | None = None,
    hours: int | None = None,
) -> tuple[ShareLink, str]:
    """Create a link to ``revision`` (default: the current one) valid for ``hours``."""
    if not user_has_perm(user, "add_sharelink"):
        raise WorkflowPermissionDenied("공유 링크를 만들 권한이 없습니다.")
    if revision is None:
        revision = ensure_current_revision(briefing)
    if revision.briefing_id != briefing.pk:
        raise ValueError("다른 브리핑의 리비전입니다.")
    hours = min(int(hours or _max_hours()), _max_hours())
    if hours < 1:
        raise ValueError("유효 시간은 1시간 이상이어야 합니다.")
    link = ShareLink.objects.create(
        briefing=briefing,
        revision=revision,
        created_by=user,
        expires_at=timezone.now() + dt.timedelta(hours=hours),
    )
    audit_record(
        briefing=briefing,
        action=AuditEvent.Action.SHARE_LINK_CREATED,
        actor=user,
        revision=revision,
        data={"link": link.pk, "hours": hours},
    )
    return link, share_link_token(link)


@transaction.atomic
def share_link_revoke(*, link: ShareLink, user: Actor) -> ShareLink:
    """Revoke ``link`` now (idempotent)."""
    if not user_has_perm(user, "change_sharelink"):
        raise WorkflowPermissionDenied("공유 링크를 취소할 권한이 없습니다.")
    updated = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    link.refresh_from_db()
    if updated:
        audit_record(
            briefing=link.briefing,
            action=AuditEvent.Action.SHARE_LINK_REVOKED,
            actor=user,
            revision=link.revision,
            data={"link": link.pk},
        )
    return link


def share_link_resolve(token: str) -> ShareLink:
    """The live link a token stands for; raises ShareLinkInvalid otherwise."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=_max_hours() * 3600)
    except signing.BadSignature as error:  # includes SignatureExpired
        raise ShareLinkInvalid("유효하지 않거나 만료된 링크입니다.") from error
    # Validly signed is not well formed: anything signed with SALT may arrive here.
    if not isinstance(payload, dict) or not all(
        type(payload.get(key)) is int for key in ("l", "r")
    ):
        raise ShareLinkInvalid("유효하지 않은 링크입니다.")
    link = (
        ShareLink.objects.select_related("revision", "briefing__reader_type")
        .filter(pk=payload["l"], revision_id=payload["r"])
        .first()
    )
    if link is None:
        raise ShareLinkInvalid("유효하지 않은 링크입니다.")
    if link.revoked_at is not None:
        raise ShareLinkInvalid("취소된 링크입니다.")
    if link.expires_at <= timezone.now():
        raise ShareLinkInvalid("만료된 링크입니다.")
    return link


def share_link_is_active(link: ShareLink) -> bool:
    return link.revoked_at is None and link.expires_at > timezone.now()
