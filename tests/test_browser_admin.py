"""A real browser takes today's CEO draft from generated to published in the admin.

Drives Debian's Chromium through Playwright (the Playwright browser download does not
work here). Skipped, with the command to install it, where Chromium is missing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from prism.conf import prism_settings
from prism.models import AuditEvent, Briefing
from prism.services.revisions import revision_create
from tests.conftest import requires_chromium

PASSWORD = "correct-horse-battery-9"
NEW_SUMMARY = (
    "편집자가 브라우저에서 고친 핵심 요약이다. 반도체 수출이 석 달째 늘었다. "
    "기업들은 설비 투자를 앞당기고 있다."
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, requires_chromium]


def log_in(browser, live_server, username: str):
    """A fresh browser context signed in to the admin as ``username``."""
    context = browser.new_context(locale="ko-KR")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")
    return page


def click_transition(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"button.prism-button-{action}")


@pytest.mark.django_db(transaction=True)
def test_editor_and_chief_take_a_draft_to_the_public_page(
    transactional_db, live_server, browser, make_briefing, make_role_user, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    editor = make_role_user("editor", password=PASSWORD)
    chief = make_role_user("chief_editor", password=PASSWORD)
    draft = make_briefing(headline="오늘의 CEO 브리핑 초안")
    revision_create(briefing=draft, kind="generated", provenance={"run_id": 1})

    # The editor opens today's CEO draft from the queue and changes a summary.
    page = log_in(browser, live_server, editor.username)
    page.goto(f"{live_server.url}{reverse('admin:prism_briefing_changelist')}")
    page.locator("#result_list a", has_text="오늘의 CEO 브리핑 초안").first.click()
    page.wait_for_selector("#id_items-0-summary")
    assert page.locator(".prism-source mark, .prism-source-body").count() >= 1
    page.fill("#id_items-0-summary", NEW_SUMMARY)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert page.locator("#id_items-0-summary").input_value() == NEW_SUMMARY
    click_transition(page, "submit")
    assert "검토 중" in page.locator(".prism-workflow-state").inner_text()
    page.context.close()

    # The chief editor approves and publishes.
    page = log_in(browser, live_server, chief.username)
    change_url = reverse("admin:prism_briefing_change", args=[draft.pk])
    page.goto(f"{live_server.url}{change_url}")
    click_transition(page, "approve")
    assert "승인됨" in page.locator(".prism-workflow-state").inner_text()
    click_transition(page, "publish")
    assert "발행됨" in page.locator(".prism-workflow-state").inner_text()
    page.context.close()

    # Anyone can now read it on the public page, with the footer.
    draft.refresh_from_db()
    assert draft.status == Briefing.Status.PUBLISHED
    context = browser.new_context(locale="ko-KR")
    public = context.new_page()
    response = public.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert response.status == 200
    text = public.locator("body").inner_text()
    assert NEW_SUMMARY in text
    assert prism_settings.footer in text
    context.close()

    assert list(
        AuditEvent.objects.filter(briefing=draft)
        .order_by("id")
        .values_list("action", "actor__username")
    ) == [
        ("edited", editor.username),
        ("submitted", editor.username),
        ("approved", chief.username),
        ("published", chief.username),
    ]
    # Only the summary changed: the browser's CRLF line ends are not an edit.
    edited = AuditEvent.objects.get(briefing=draft, action="edited")
    assert edited.data["parts"] == ["item1.summary"]
