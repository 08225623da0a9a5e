"""The e-mail digest: a published briefing sent to the subscribers who opted in.

Each (briefing, person) pair is claimed by inserting its ``DigestDelivery`` row
before the message is sent, and that insert commits on its own. A retried or
concurrent task therefore finds the claim and skips the person: a briefing reaches
nobody twice. A send that fails with an error releases its claim so the retry sends
it; only a process killed between claim and send leaves a claim unsent (logged).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import Briefing, DigestDelivery
from prism.services.live import live_view

logger = logging.getLogger(__name__)

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def digest_enqueue(briefing_id: int) -> None:
    """Queue ``send_briefing_digest`` for a briefing that was just published."""
    from django_q.tasks import async_task

    async_task(
        "prism.tasks.send_briefing_digest",
        briefing_id,
        task_name=f"prism-digest-{briefing_id}",
    )


def site_url() -> str:
    """The site's base URL for links in e-mails (no request exists in a task)."""
    return str(prism_settings.SITE_URL or DEFAULT_SITE_URL).rstrip("/")


def digest_recipients(briefing: Briefing) -> QuerySet:
    """Active users who follow the reader type, opted in, and were not yet sent it."""
    already = DigestDelivery.objects.filter(briefing=briefing, user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            subscriber__email_digest=True,
            subscriber__reader_types=briefing.reader_type,
        )
        .exclude(email="")
        .exclude(Exists(already))
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class DigestMessage:
    """The rendered parts of one briefing's digest (the same for every reader)."""

    subject: str
    text: str
    html: str


def digest_message(briefing: Briefing) -> DigestMessage:
    """Render the subject, the plain-text and the HTML part of a briefing's digest."""
    from prism.services.render import briefing_render_text

    base = site_url()
    context = {
        "briefing": briefing,
        "briefing_text": briefing_render_text(briefing),
        "briefing_url": base + briefing.get_absolute_url(),
        "profile_url": base + reverse("prism:profile"),
        "site_url": base + "/",
        "publisher": prism_settings.PUBLISHER,
    }
    subject = render_to_string("prism/email/briefing_digest_subject.txt", context)
    return DigestMessage(
        subject=" ".join(subject.split()),
        text=render_to_string("prism/email/briefing_digest.txt", context),
        html=render_to_string("prism/email/briefing_digest.html", context),
    )


def digest_send(*, briefing: Briefing) -> int:
    """E-mail a published briefing to its opted-in subscribers; returns how many."""
    if not briefing.is_public:
        logger.info("digest skipped: briefing %s is not published", briefing.pk)
        return 0
    recipients = list(digest_recipients(briefing))
    if not recipients:
        return 0
    briefing = (
        Briefing.objects.with_content()
        .select_related("live_revision")
        .get(pk=briefing.pk)
    )
    # The e-mail shows what is live: the published revision, links included.
    message = digest_message(live_view(briefing))
    sent = 0
    with get_connection() as connection:
        for user in recipients:
            delivery = _delivery_claim(briefing=briefing, user=user)
            if delivery is None:
                continue  # another attempt has it
            email = EmailMultiAlternatives(
                message.subject, message.text, to=[user.email], connection=connection
            )
            email.attach_alternative(message.html, "text/html")
            try:
                email.send()
            except Exception:
                _delivery_release(delivery)
                raise
            _delivery_confirm(delivery)
            sent += 1
    logger.info("digest of briefing %s sent to %d people", briefing.pk, sent)
    return sent


def _delivery_claim(*, briefing: Briefing, user) -> DigestDelivery | None:
    """Insert and commit the delivery row; None when it exists already."""
    try:
        with transaction.atomic():
            return DigestDelivery.objects.create(briefing=briefing, user=user)
    except IntegrityError:
        return None


@transaction.atomic
def _delivery_confirm(delivery: DigestDelivery) -> None:
    DigestDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())


@transaction.atomic
def _delivery_release(delivery: DigestDelivery) -> None:
    """Give the claim back after a failed send, so a retry sends it."""
    DigestDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).delete()
