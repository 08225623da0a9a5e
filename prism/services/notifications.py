"""E-mail notifications of the editorial workflow (sent after the transaction commits).

Chief editors hear about submitted drafts; the person who submitted a draft hears
when it is approved, sent back (with the comment) or published. Anyone can opt out
with ``Subscriber.editorial_notifications``; nobody is told about their own action.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from prism.models import AuditEvent, Briefing
from prism.services.audit import Actor
from prism.services.digest import site_url

logger = logging.getLogger(__name__)

Action = AuditEvent.Action

SUBJECTS = {
    Action.SUBMITTED: "검토 요청: {briefing}",
    Action.APPROVED: "승인됨: {briefing}",
    Action.CHANGES_REQUESTED: "수정 요청: {briefing}",
    Action.PUBLISHED: "발행됨: {briefing}",
    Action.SCHEDULE_FAILED: "예약 발행 실패: {briefing}",
}
INTROS = {
    Action.SUBMITTED: "{actor}님이 브리핑 검토를 요청했습니다.",
    Action.APPROVED: "{actor}님이 검토 요청하신 브리핑을 승인했습니다.",
    Action.CHANGES_REQUESTED: "{actor}님이 검토 요청하신 브리핑에 수정을 요청했습니다.",
    Action.PUBLISHED: "검토 요청하신 브리핑이 발행되었습니다({actor}).",
    Action.SCHEDULE_FAILED: "예약된 브리핑을 발행하지 못해 승인 상태로 되돌렸습니다.",
}


def _wants_mail(user) -> bool:
    if not user.is_active or not user.email:
        return False
    subscriber = getattr(user, "subscriber", None)
    return subscriber is None or subscriber.editorial_notifications


def chief_editors():
    """Everyone who may approve briefings (through a group or directly)."""
    User = get_user_model()
    return User.objects.with_perm(
        "prism.approve_briefing",
        include_superusers=False,
        # Permissions live in the database; other backends (axes) hold none.
        backend="django.contrib.auth.backends.ModelBackend",
    ).select_related("subscriber")


def submitter_of(briefing: Briefing):
    """The person who last submitted the briefing for review (None if nobody)."""
    event = (
        AuditEvent.objects.filter(
            briefing=briefing, action=Action.SUBMITTED, actor__isnull=False
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return event.actor if event else None


def recipients_for(event: str, briefing: Briefing, actor: Actor = None) -> list[str]:
    """E-mail addresses to notify about ``event`` (the actor is never among them)."""
    if event == Action.SUBMITTED:
        users = list(chief_editors())
    elif event == Action.SCHEDULE_FAILED:
        users = [u for u in [submitter_of(briefing)] if u] + list(chief_editors())
    else:
        submitter = submitter_of(briefing)
        users = [submitter] if submitter else []
    actor_id = getattr(actor, "pk", None)
    addresses: list[str] = []
    for user in users:
        if user.pk == actor_id or not _wants_mail(user):
            continue
        if user.email not in addresses:
            addresses.append(user.email)
    return addresses


def _display(actor: Actor) -> str:
    if actor is None:
        return "시스템"
    return actor.get_full_name() or actor.get_username()


def notify(
    event: str, *, briefing_id: int, actor: Actor = None, comment: str = ""
) -> int:
    """Send the ``event`` notification now; returns the number of recipients."""
    briefing = Briefing.objects.select_related("reader_type").get(pk=briefing_id)
    recipients = recipients_for(event, briefing, actor)
    if not recipients:
        return 0
    # A mail client has no site to resolve a relative link against.
    change_url = site_url() + reverse("admin:prism_briefing_change", args=[briefing.pk])
    lines = [
        INTROS[event].format(actor=_display(actor)),
        "",
        f"브리핑: {briefing}",
        f"상태: {briefing.get_status_display()} (v{briefing.version})",
    ]
    if comment:
        lines += ["", "코멘트:", comment]
    lines += ["", f"관리 화면: {change_url}", "", "— AI 프리즘 편집 알림"]
    subject = "[AI 프리즘] " + SUBJECTS[event].format(briefing=briefing)
    send_mail(
        # A line break in a header is refused by Django (BadHeaderError): a name
        # saved before names were validated must not silence the notification.
        subject=" ".join(subject.split()),
        message="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)


def notify_on_commit(
    event: str, *, briefing_id: int, actor: Actor = None, comment: str = ""
) -> None:
    """Send the notification once the current transaction has committed."""

    def send() -> None:
        try:
            notify(event, briefing_id=briefing_id, actor=actor, comment=comment)
        except (
            Exception
        ):  # a mail server problem must not turn a done action into a 500
            logger.exception("editorial notification %s failed", event)

    transaction.on_commit(send)
