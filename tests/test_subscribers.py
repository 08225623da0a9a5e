"""Subscriber flows: sign-up, log in/out, password reset, profile, follow, delete."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prism.models import Briefing, DigestDelivery, ReaderType, Subscriber

pytestmark = pytest.mark.django_db

PASSWORD = "naver-sky-2026-blue"


def _request_sign_up(client, email="Reader@Example.com", **extra):
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "privacy_consent": "on",
        **extra,
    }
    return client.post(reverse("prism:sign_up"), data)


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", message.body)[
        1
    ]


def _sign_up(client, email="Reader@Example.com", **extra):
    """Sign up as a person does: the form, the mail's link, the button."""
    response = _request_sign_up(client, email, **extra)
    assert response.status_code == 302, response.content
    link = _confirmation_link(mail.outbox[-1])
    assert client.get(link).status_code == 200
    mail.outbox.clear()
    return client.post(link)


def test_sign_up_creates_a_subscriber_and_logs_in(client):
    startup = ReaderType.objects.get(slug="startup-founder")
    requested = _request_sign_up(client, reader_types=[startup.pk], email_digest="on")
    assert requested["Location"] == reverse("prism:sign_up_done")
    assert not get_user_model().objects.get(email="reader@example.com").is_active
    link = _confirmation_link(mail.outbox[0])
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("prism:profile")
    user = get_user_model().objects.get(email="reader@example.com")
    assert user.is_active
    assert user.username == "reader@example.com"
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert list(user.subscriber.reader_types.all()) == [startup]
    assert user.subscriber.email_digest is True
    assert int(client.session["_auth_user_id"]) == user.pk
    page = client.get(reverse("prism:profile")).content.decode()
    assert "가입을 마쳤습니다. 스타트업 창업자 브리핑을" in page
    assert "이메일로도 보내 드립니다" in page


def test_sign_up_form_is_in_korean(client):
    html = client.get(reverse("prism:sign_up")).content.decode()
    assert "무료 구독" in html and "이메일" in html and "비밀번호 확인" in html
    assert "스타트업 창업자" in html


def test_sign_up_never_tells_that_an_address_is_taken(client):
    assert _sign_up(client).status_code == 302
    client.logout()
    mail.outbox.clear()
    response = _request_sign_up(client, email="READER@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("prism:sign_up_done")
    assert get_user_model().objects.count() == 1
    # The owner hears of it; no link that could take over the account.
    assert mail.outbox[0].to == ["reader@example.com"]
    assert "이미 계정이 있어" in mail.outbox[0].body
    assert "/accounts/signup/confirm/" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        (PASSWORD, PASSWORD + "x", "두 비밀번호가 일치하지 않습니다."),
        ("12345678", "12345678", "password1"),
    ],
)
def test_sign_up_checks_the_password(client, password1, password2, message):
    response = client.post(
        reverse("prism:sign_up"),
        {"email": "a@example.com", "password1": password1, "password2": password2},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert message in str(form.errors) or message in form.errors
    assert not get_user_model().objects.exists()


def test_signed_in_people_are_sent_from_sign_up_to_their_profile(
    client, make_role_user
):
    client.force_login(make_role_user("subscriber"))
    response = client.get(reverse("prism:sign_up"))
    assert response.status_code == 302
    assert response["Location"] == reverse("prism:profile")


def test_log_in_with_the_email_address_and_log_out(client):
    _sign_up(client)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
    login_page = client.get(reverse("login")).content.decode()
    assert "이메일 또는 아이디" in login_page and "비밀번호를 잊으셨나요?" in login_page
    response = client.post(
        reverse("login"), {"username": "reader@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("prism:profile")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("prism:profile")).status_code == 302


def test_password_reset_by_email(client):
    _sign_up(client)
    client.post(reverse("logout"))
    response = client.post(
        reverse("password_reset"), {"email": "reader@example.com"}, follow=True
    )
    assert "메일을 확인하세요" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[AI 프리즘] 비밀번호 재설정 안내"
    assert message.to == ["reader@example.com"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "새 비밀번호 정하기" in form_page.content.decode()
    new_password = "hangang-river-77-sunset"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert "비밀번호를 바꿨습니다" in done.content.decode()
    user = get_user_model().objects.get(email="reader@example.com")
    assert user.check_password(new_password)


def test_password_reset_for_an_unknown_address_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "who@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_requires_sign_in(client):
    response = client.get(reverse("prism:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_profile_saves_reader_types_and_digest_choice(client, make_role_user):
    user = make_role_user("subscriber")
    client.force_login(user)
    chosen = ReaderType.objects.filter(slug__in=["startup-founder", "job-seeker"])
    response = client.post(
        reverse("prism:profile"),
        {"reader_types": [rt.pk for rt in chosen], "email_digest": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert "설정을 저장했습니다: " in page and "이메일로도 받습니다" in page
    subscriber = Subscriber.objects.get(user=user)
    assert set(subscriber.reader_types.all()) == set(chosen)
    assert subscriber.email_digest is True
    client.post(reverse("prism:profile"), {"reader_types": [chosen[0].pk]})
    subscriber.refresh_from_db()
    assert list(subscriber.reader_types.all()) == [chosen[0]]
    assert subscriber.email_digest is False


def test_profile_shows_latest_published_briefing_per_type_and_history(
    client, make_briefing, make_role_user
):
    today = timezone.localdate()
    make_briefing(
        status=Briefing.Status.PUBLISHED,
        edition_date=today - dt.timedelta(days=1),
        headline="어제의 CEO 브리핑",
    )
    make_briefing(
        status=Briefing.Status.PUBLISHED, edition_date=today, headline="오늘의 CEO"
    )
    make_briefing(
        status=Briefing.Status.APPROVED,
        edition_date=today + dt.timedelta(days=1),
        headline="아직 승인만 된 내일 브리핑",
    )
    client.force_login(make_role_user("subscriber"))
    response = client.get(reverse("prism:profile"))
    html = response.content.decode()
    [(reader_type, latest)] = response.context["latest"]
    assert reader_type.slug == "ceo" and latest.headline == "오늘의 CEO"
    assert "- 핵심 요약:" in html and "저작권자 ⓒ 서울경제" in html
    assert "어제의 CEO 브리핑" in html  # in the history list
    assert "아직 승인만 된 내일 브리핑" not in html


def test_profile_query_count_does_not_grow_with_reader_types(
    client, make_briefing, make_role_user
):
    user = make_role_user("subscriber")
    client.force_login(user)
    make_briefing(status=Briefing.Status.PUBLISHED)
    client.get(reverse("prism:profile"))  # warm the session
    cache.clear()  # bodies not rendered yet
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("prism:profile"))
    others = ReaderType.objects.exclude(slug="ceo")[:4]
    for reader_type in others:
        make_briefing(status=Briefing.Status.PUBLISHED, reader_type=reader_type)
    user.subscriber.reader_types.add(*others)
    cache.clear()
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("prism:profile"))
    assert len(response.context["latest"]) == 5
    assert len(one) == len(five)
    # Bodies already rendered (by anyone) are not loaded again.
    with CaptureQueriesContext(connection) as warm:
        again = client.get(reverse("prism:profile"))
    # The whole page comes from the reader's cache: the session, the user row and
    # the two stamps (published briefings, the person's choices) are all it reads.
    assert len(warm) == 4
    bodies = re.compile(r'<article class="briefing".*?</article>', re.S)
    assert bodies.findall(again.content.decode()) == bodies.findall(
        response.content.decode()
    )
    assert len(bodies.findall(again.content.decode())) == 5


def test_a_person_sees_only_their_own_profile(client, make_role_user):
    me = make_role_user("subscriber", username="me@example.com")
    other = make_role_user("subscriber", username="other@example.com")
    other.subscriber.reader_types.set(ReaderType.objects.filter(slug="retiree"))
    client.force_login(me)
    html = client.get(reverse("prism:profile"), {"user": other.pk}).content.decode()
    assert "me@example.com" in html
    assert "other@example.com" not in html
    assert "은퇴 준비자 맞춤형" not in html
    assert client.get(f"/accounts/profile/{other.pk}/").status_code == 404


def test_follow_and_unfollow_from_the_reader_type_page(client, make_role_user):
    user = make_role_user("subscriber")
    client.force_login(user)
    url = reverse("prism:reader_type_follow", kwargs={"slug": "startup-founder"})
    response = client.post(url, {"action": "follow"}, follow=True)
    assert "구독합니다" in response.content.decode()
    assert "구독 중 · 해지하기" in response.content.decode()
    slugs = set(user.subscriber.reader_types.values_list("slug", flat=True))
    assert slugs == {"ceo", "startup-founder"}
    client.post(url, {"action": "unfollow"})
    slugs = set(user.subscriber.reader_types.values_list("slug", flat=True))
    assert slugs == {"ceo"}
    assert client.get(url).status_code == 405


def test_following_needs_an_account(client):
    url = reverse("prism:reader_type_follow", kwargs={"slug": "ceo"})
    response = client.post(url, {"action": "follow"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_delete_account_asks_for_the_password(client, make_briefing, make_role_user):
    user = make_role_user("subscriber", password="correct-horse-battery-9")
    briefing = make_briefing(status=Briefing.Status.PUBLISHED)
    DigestDelivery.objects.create(briefing=briefing, user=user)
    client.force_login(user)
    url = reverse("prism:account_delete")
    wrong = client.post(url, {"password": "not-it"})
    assert "비밀번호가 올바르지 않습니다." in wrong.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post(url, {"password": "correct-horse-battery-9"}, follow=True)
    assert "개인정보(이메일 주소, 구독 설정, 로그인 기록)를 삭제했습니다" in (
        response.content.decode()
    )
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Subscriber.objects.filter(user_id=user.pk).exists()
    assert not DigestDelivery.objects.filter(user_id=user.pk).exists()
    assert "_auth_user_id" not in client.session


def test_newsroom_accounts_cannot_be_deleted_from_the_site(client, make_role_user):
    editor = make_role_user("editor", password="correct-horse-battery-9")
    client.force_login(editor)
    response = client.post(
        reverse("prism:account_delete"),
        {"password": "correct-horse-battery-9"},
        follow=True,
    )
    assert "편집국 계정은 사이트에서 삭제할 수 없습니다." in response.content.decode()
    assert get_user_model().objects.filter(pk=editor.pk).exists()
