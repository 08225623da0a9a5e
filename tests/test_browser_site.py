"""A visitor, in a real browser, signs up, follows 스타트업 창업자 and reads the
published briefing on their profile page; the pages are styled and error-free.

Drives Debian's Chromium through Playwright (the Playwright browser download does not
work here). Skipped, with the command to install it, where Chromium is missing.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from prism.models import Briefing, ReaderType
from tests.helpers.browser import requires_chromium

PASSWORD = "hangang-bridge-2026-north"
EMAIL = "visitor@example.com"

pytestmark = [pytest.mark.browser, pytest.mark.slow, requires_chromium]

# Signs that a page rendered wrong: Django template syntax or debug error pages.
BROKEN_PAGE_MARKERS = ("{{", "{%", "TemplateSyntaxError", "Traceback", "Server Error")


def assert_rendered_and_styled(page) -> None:
    """No template errors, the stylesheet applied, nothing wider than the screen."""
    text = page.inner_text("body")
    for marker in BROKEN_PAGE_MARKERS:
        assert marker not in text, marker
    styles = page.evaluate(
        """() => {
            const body = getComputedStyle(document.body);
            const nav = getComputedStyle(document.querySelector('.section-nav'));
            const title = getComputedStyle(document.querySelector('.masthead-title'));
            return {
                background: body.backgroundColor,
                navRule: nav.borderTopStyle,
                titleWeight: title.fontWeight,
                titleDecoration: title.textDecorationLine,
                overflow: document.documentElement.scrollWidth - window.innerWidth,
            };
        }"""
    )
    # Unstyled, the body is transparent, the title an underlined link.
    assert styles["background"] == "rgb(251, 250, 246)"
    assert styles["navRule"] == "double"
    assert styles["titleWeight"] == "900"
    assert styles["titleDecoration"] == "none"
    assert styles["overflow"] <= 0


@pytest.mark.django_db(transaction=True)
def test_visitor_signs_up_follows_a_reader_type_and_reads_the_briefing(
    transactional_db, live_server, browser, make_briefing, settings, tmp_path
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    startup = ReaderType.objects.get(slug="startup-founder")
    briefing = make_briefing(
        status=Briefing.Status.PUBLISHED,
        reader_type=startup,
        published_at=timezone.now(),
        headline="경량 AI 모델이 스타트업의 대안",
    )
    make_briefing(
        status=Briefing.Status.IN_REVIEW,
        reader_type=startup,
        edition_date=briefing.edition_date + dt.timedelta(days=1),
        headline="검토 중인 다음 호",
    )
    # A phone-sized screen: the site must work there first.
    context = browser.new_context(
        locale="ko-KR", viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )

    page.goto(live_server.url + "/")
    assert page.locator(".card-reader-type", has_text="스타트업 창업자").is_visible()
    assert_rendered_and_styled(page)
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.click("a.nav-signup")
    page.wait_for_url("**/accounts/signup/")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_label("스타트업 창업자", exact=True).check()
    page.check("#id_privacy_consent")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url == live_server.url + "/accounts/signup/sent/"
    assert "메일을 확인하세요" in page.inner_text("h1")

    # The confirmation mail's link, then its button, finish the sign-up.
    link = re.search(
        r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", mail.outbox[-1].body
    )
    page.goto(live_server.url + link[1])
    with page.expect_navigation():
        page.click("form.form button[type=submit]")

    assert page.url == live_server.url + "/accounts/profile/"
    assert "가입을 마쳤습니다. 스타트업 창업자 브리핑을" in page.inner_text("body")
    assert_rendered_and_styled(page)
    briefing_body = page.locator("#rt-startup-founder article.briefing")
    assert briefing_body.is_visible()
    assert "경량 AI 모델이 스타트업의 대안" in briefing_body.inner_text()
    assert "[스타트업 창업자 관심 뉴스]" in briefing_body.inner_text()
    footer = briefing_body.locator(".briefing-footer")
    assert footer.inner_text() == "< 저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지 >"
    assert "검토 중인 다음 호" not in page.inner_text("body")
    border = briefing_body.evaluate("el => getComputedStyle(el).borderTopWidth")
    assert border == "4px"
    shot = tmp_path / "profile.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000  # a real, drawn page, not a blank one

    user = get_user_model().objects.get(email=EMAIL)
    assert list(user.subscriber.reader_types.all()) == [startup]

    # The full briefing page opens from the profile, with the AI disclosure.
    with page.expect_navigation():
        page.click("#rt-startup-founder .reviewed a")
    assert page.url == live_server.url + briefing.get_absolute_url()
    assert page.locator(".briefing-note").is_visible()
    assert "편집자가 검토해 발행했습니다" in page.inner_text(".reviewed")
    assert_rendered_and_styled(page)
    assert errors == []
    context.close()
