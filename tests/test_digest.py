"""The e-mail digest: who gets it, what it holds, and never twice per person."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django_q.models import Task

from prism.models import Briefing, DigestDelivery, ReaderType, Subscriber
from prism.services.digest import digest_enqueue, digest_send
from prism.tasks import send_briefing_digest

pytestmark = pytest.mark.django_db


class FailingSecondMessageBackend(EmailBackend):
    """An SMTP stand-in that refuses the second message it is given, once."""

    failures_left = 0
    seen = 0

    def send_messages(self, messages):
        for _ in messages:
            type(self).seen += 1
            if type(self).seen == 2 and type(self).failures_left:
                type(self).failures_left -= 1
                raise ConnectionError("SMTP 서버 연결이 끊겼습니다")
        return super().send_messages(messages)


def _reader(email: str, *, slugs=("ceo",), digest=True, username="", **fields):
    user = get_user_model().objects.create_user(
        username=username or email, email=email, **fields
    )
    subscriber = Subscriber.objects.create(user=user, email_digest=digest)
    subscriber.reader_types.set(ReaderType.objects.filter(slug__in=slugs))
    return user


@pytest.fixture
def readers(db):
    """Three CEO readers who opted in, and five people who must not get CEO mail."""
    wanted = [_reader(f"ceo{n}@example.com") for n in range(3)]
    _reader("quiet@example.com", digest=False)
    _reader("startup@example.com", slugs=("startup-founder",))
    _reader("gone@example.com", is_active=False)
    _reader("", username="no-address")
    _reader("none@example.com", slugs=())
    return wanted


@pytest.fixture
def published(make_briefing):
    return make_briefing(
        status=Briefing.Status.PUBLISHED,
        published_at=timezone.now(),
        headline="금리 & <환율> 점검",
    )


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_digest_goes_to_opted_in_followers_of_the_reader_type(readers, published):
    assert digest_send(briefing=published) == 3
    assert _recipients() == [user.email for user in readers]
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert DigestDelivery.objects.filter(sent_at__isnull=False).count() == 3


def test_digest_message_has_text_and_html_with_the_footer(readers, published):
    digest_send(briefing=published)
    message = mail.outbox[0]
    date = published.edition_date.strftime("%Y.%m.%d")
    assert (
        message.subject
        == f"[AI 프리즘] {date} CEO 맞춤형 경제 브리핑 - 금리 & <환율> 점검"
    )
    text = message.body
    assert text.startswith("▲ AI 프리즘* 맞춤형 경제 브리핑")
    assert "[CEO 관심 뉴스]" in text and "- 핵심 요약:" in text
    assert "< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >" in text
    assert f"http://127.0.0.1:8000{published.get_absolute_url()}" in text
    assert "http://127.0.0.1:8000/accounts/profile/" in text  # how to stop it
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "&lt; 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 &gt;" in html
    assert "금리 &amp; &lt;환율&gt; 점검" in html and "<환율>" not in html
    assert "수신 설정 변경·구독 해지" in html


def test_retrying_the_task_sends_nothing_twice(readers, published):
    assert send_briefing_digest(published.pk) == 3
    assert send_briefing_digest(published.pk) == 0
    assert _recipients() == [user.email for user in readers]
    # Someone who opts in later still gets it, once, on the next run.
    late = _reader("late@example.com")
    assert send_briefing_digest(published.pk) == 1
    assert _recipients().count(late.email) == 1


def test_a_failed_send_is_retried_and_nobody_gets_two(readers, published, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingSecondMessageBackend"
    FailingSecondMessageBackend.failures_left = 1
    FailingSecondMessageBackend.seen = 0
    with pytest.raises(ConnectionError):
        send_briefing_digest(published.pk)
    assert len(mail.outbox) == 1
    # The failed claim was given back; the delivered one stays claimed.
    assert DigestDelivery.objects.count() == 1
    assert send_briefing_digest(published.pk) == 2
    assert _recipients() == [user.email for user in readers]
    assert DigestDelivery.objects.filter(sent_at__isnull=False).count() == 3


def test_a_claim_held_by_another_attempt_is_respected(readers, published):
    DigestDelivery.objects.create(briefing=published, user=readers[0])
    assert digest_send(briefing=published) == 2
    assert readers[0].email not in _recipients()


@pytest.mark.parametrize(
    "status", [s for s in Briefing.Status.values if s != Briefing.Status.PUBLISHED]
)
def test_unpublished_briefings_are_never_mailed(readers, make_briefing, status):
    briefing = make_briefing(status=status)
    assert send_briefing_digest(briefing.pk) == 0
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()


def test_task_for_a_vanished_briefing_does_nothing(db):
    assert send_briefing_digest(987654) == 0


@pytest.fixture
def run_tasks_inline(monkeypatch):
    """django-q2's sync mode: a queued task runs at once through the worker code."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


def _digest_mails() -> list:
    return [m for m in mail.outbox if m.subject.startswith("[AI 프리즘] ")]


def test_digest_enqueue_runs_the_task_through_django_q(
    readers, published, run_tasks_inline
):
    digest_enqueue(published.pk)
    task = Task.objects.get(name=f"prism-digest-{published.pk}")
    assert task.func == "prism.tasks.send_briefing_digest"
    assert task.args == (published.pk,)
    assert task.success and task.result == 3
    assert len(_digest_mails()) == 3
    # The same task queued again (a retry, a second publish signal) sends nothing.
    digest_enqueue(published.pk)
    assert len(_digest_mails()) == 3


def test_publishing_sends_the_digest(
    readers,
    make_briefing,
    make_role_user,
    run_tasks_inline,
    django_capture_on_commit_callbacks,
):
    from prism.services import workflow

    chief = make_role_user("chief_editor")
    briefing = make_briefing(status=Briefing.Status.APPROVED)
    briefing.approved_version = briefing.version
    briefing.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.briefing_publish(briefing=briefing, user=chief)
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
    assert sorted(to for m in _digest_mails() for to in m.to) == [
        user.email for user in readers
    ]
