"""The subscriber side of issue 13: consent, confirmation without revealing who has
an account, deletion of personal data, descriptions, fitting messages, history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from prism.models import Briefing, DigestDelivery, ReaderType, Subscriber
from prism.services.subscribers import PRIVACY_NOTICE_VERSION

pytestmark = pytest.mark.django_db

PASSWORD = "naver-sky-2026-blue"


def _request(client, email="new@example.com", **extra):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    data.update(extra)
    return client.post(reverse("prism:sign_up"), data)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", message.body)[
        1
    ]


def test_sign_up_needs_the_privacy_consent(client):
    page = client.get(reverse("prism:sign_up")).content.decode()
    for part in ("개인정보 수집·이용 안내", "수집 목적", "수집 항목", "보유 기간"):
        assert part in page
    response = _request(client)
    assert response.status_code == 200
    assert (
        "개인정보 수집·이용에 동의해야 가입할 수 있습니다." in response.content.decode()
    )
    assert not get_user_model().objects.exists()
    assert mail.outbox == []


def test_the_consent_is_recorded_with_its_time_and_notice(client):
    before = timezone.now()
    _request(client, privacy_consent="on")
    subscriber = Subscriber.objects.get(user__email="new@example.com")
    assert before <= subscriber.privacy_consent_at <= timezone.now()
    assert subscriber.privacy_consent_version == PRIVACY_NOTICE_VERSION


def test_an_account_works_only_once_its_address_is_confirmed(client):
    _request(client, privacy_consent="on")
    assert not client.login(username="new@example.com", password=PASSWORD)
    link = _link(mail.outbox[0])
    assert client.get(link).status_code == 200  # opening the link changes nothing
    assert not get_user_model().objects.get(email="new@example.com").is_active
    response = client.post(link)
    assert response["Location"] == reverse("prism:profile")
    welcome = client.get(reverse("prism:profile")).content.decode()
    assert "구독 설정에서 받아 볼 독자 유형을 골라 보세요" in welcome
    client.logout()
    assert client.post(link).status_code == 400  # used once
    assert client.login(username="new@example.com", password=PASSWORD)


def test_sign_up_answers_every_address_alike(client, make_role_user):
    chief = make_role_user("chief_editor", username="chief", email="chief@example.com")
    subscriber = make_role_user("subscriber")
    answers = []
    for email in ("fresh@example.com", "CHIEF@example.com", subscriber.email):
        response = _request(client, email=email, privacy_consent="on")
        answers.append((response.status_code, response["Location"]))
    assert set(answers) == {(302, reverse("prism:sign_up_done"))}
    done = client.get(reverse("prism:sign_up_done")).content.decode()
    assert "메일을 확인하세요" in done
    assert get_user_model().objects.count() == 3
    to_owners = [m for m in mail.outbox if "이미 계정이 있어" in m.body]
    assert sorted(m.to[0] for m in to_owners) == sorted([chief.email, subscriber.email])
    assert get_user_model().objects.get(pk=chief.pk).check_password(PASSWORD) is False


def test_signing_up_again_before_confirming_resends_the_link(client):
    _request(client, privacy_consent="on")
    _request(client, privacy_consent="on")
    assert get_user_model().objects.count() == 1
    assert len(mail.outbox) == 2
    assert all("/accounts/signup/confirm/" in m.body for m in mail.outbox)


def test_deleting_an_account_removes_its_personal_data(
    client, make_briefing, make_role_user
):
    from axes.models import AccessAttempt, AccessLog

    user = make_role_user("subscriber", password="correct-horse-battery-9")
    Token.objects.create(user=user)
    briefing = make_briefing(status=Briefing.Status.PUBLISHED)
    DigestDelivery.objects.create(briefing=briefing, user=user, sent_at=timezone.now())
    seen = {"username": user.username, "ip_address": "203.0.113.9", "user_agent": "x"}
    AccessAttempt.objects.create(**seen, failures_since_start=1)
    AccessLog.objects.create(**seen)
    client.force_login(user)
    page = client.get(reverse("prism:account_delete")).content.decode()
    assert "남기는 것" in page
    client.post(
        reverse("prism:account_delete"), {"password": "correct-horse-battery-9"}
    )
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Subscriber.objects.filter(user_id=user.pk).exists()
    assert not Token.objects.filter(user_id=user.pk).exists()
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert not AccessLog.objects.filter(username=user.username).exists()
    # The delivery is still counted, no longer anybody's.
    delivery = DigestDelivery.objects.get(briefing=briefing)
    assert delivery.user_id is None and delivery.sent_at is not None


def test_reader_types_show_their_descriptions(client, make_role_user):
    startup = ReaderType.objects.get(slug="startup-founder")
    assert startup.description
    signup = client.get(reverse("prism:sign_up")).content.decode()
    assert startup.description in signup
    client.force_login(make_role_user("subscriber"))
    profile = client.get(reverse("prism:profile")).content.decode()
    assert startup.description in profile


def test_the_welcome_names_what_was_chosen(client):
    startup = ReaderType.objects.get(slug="startup-founder")
    _request(client, privacy_consent="on", reader_types=[startup.pk])
    client.post(_link(mail.outbox[0]))
    page = client.get(reverse("prism:profile")).content.decode()
    assert "가입을 마쳤습니다. 스타트업 창업자 브리핑을 이 페이지에서" in page
    assert "이메일로도" not in page


def test_older_editions_are_browsable_on_the_profile(
    client, make_briefing, make_role_user
):
    user = make_role_user("subscriber")
    startup = ReaderType.objects.get(slug="startup-founder")
    user.subscriber.reader_types.add(startup)
    today = timezone.localdate()
    for days in range(25):
        make_briefing(
            status=Briefing.Status.PUBLISHED,
            edition_date=today - dt.timedelta(days=days),
            headline=f"CEO {days}일 전",
        )
    make_briefing(
        status=Briefing.Status.PUBLISHED, reader_type=startup, headline="창업자 호"
    )
    client.force_login(user)
    first = client.get(reverse("prism:profile")).content.decode()
    assert "1 / 2쪽" in first
    second = client.get(reverse("prism:profile") + "?page=2").content.decode()
    assert "CEO 24일 전" in second
    only_startup = client.get(reverse("prism:profile") + "?type=startup-founder")
    history = only_startup.content.decode().split("지난 브리핑", 1)[1]
    assert "창업자 호" in history and "CEO 3일 전" not in history
    assert "보관함에서 날짜로 찾기" in history
