"""A real browser runs the morning in the admin: from the desk, an editor fixes a
summary and submits, a chief approves and publishes; selection editing, recompose,
regenerate, stale-save recovery, the unsaved-changes prompt and chip contrast.

Drives Debian's Chromium through Playwright (the Playwright browser download does not
work here). Skipped, with the command to install it, where Chromium is missing.
Set PRISM_SCREENSHOTS=<folder> to keep full-page screenshots of each screen.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from prism.conf import prism_settings
from prism.models import Article, ArticleSummary, AuditEvent, Briefing
from prism.services.revisions import revision_create
from tests.helpers.browser import requires_chromium

PASSWORD = "correct-horse-battery-9"
NEW_SUMMARY = (
    "편집자가 브라우저에서 고친 핵심 요약이다. 반도체 수출이 석 달째 늘었다. "
    "기업들은 설비 투자를 앞당기고 있다."
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, requires_chromium]

# WCAG 2.x contrast of each element's text against its (first opaque) background.
CONTRAST_JS = """
(selector) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const all = [...document.querySelectorAll(selector)];
  const shown = all.filter((el) => el.offsetParent);
  return shown.map((el) => {
    const a = lum(parse(getComputedStyle(el).color).slice(0, 3));
    const b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const name = el.className + " " + el.textContent.trim().slice(0, 20);
    return [name, Math.round(ratio * 100) / 100];
  });
}
"""
CHECKED = (
    ".prism-status, .prism-group, .prism-run, #prism-actionbar .button, "
    ".prism-part-tools .button, .prism-picker .button, .prism-ok, .prism-edited, "
    ".prism-guards, .prism-notice, .prism-workflow-state"
)


class Clicks:
    """Counts the clicks a person makes (typing is not a click)."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def __call__(self, selector: str, *, navigates: bool = True, **kwargs) -> None:
        self.count += 1
        if navigates:
            with self.page.expect_navigation():
                self.page.click(selector, **kwargs)
        else:
            self.page.click(selector, **kwargs)


def shot(page, name: str, *parts: str) -> None:
    """A full-page screenshot, plus one of each element in ``parts`` (readable)."""
    folder = os.environ.get("PRISM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
        for number, selector in enumerate(parts):
            page.locator(selector).first.screenshot(
                path=str(Path(folder) / f"{name}-{number}.png")
            )


def log_in(browser, live_server, username: str, width: int = 1400):
    """A fresh browser context signed in to the admin as ``username``."""
    context = browser.new_context(
        locale="ko-KR", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")
    return page


def assert_contrast(page) -> None:
    ratios = page.evaluate(CONTRAST_JS, CHECKED)
    assert ratios, "no chips or buttons found"
    low = [(name, ratio) for name, ratio in ratios if ratio < 4.5]
    assert not low, low


@pytest.mark.django_db(transaction=True)
def test_the_morning_from_the_desk_in_few_clicks(
    transactional_db, live_server, browser, make_briefing, make_role_user, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    editor = make_role_user("editor", password=PASSWORD)
    chief = make_role_user("chief_editor", password=PASSWORD)
    draft = make_briefing(headline="오늘의 CEO 브리핑 초안")
    first = draft.items.get(rank=1)
    sentence = "한국은행이 기준금리를 동결했다."
    start = first.article.body.index(sentence)
    first.summary_sentences = [
        {"text": sentence, "start": start, "end": start + len(sentence)}
    ]
    first.save()
    revision_create(briefing=draft, kind="generated", provenance={"run_id": 1})
    other = make_briefing(
        headline="폐기된 브리핑", status=Briefing.Status.SPIKED
    )  # a chip of every kind on the changelist below
    revision_create(briefing=other, kind="generated")

    # The editor starts on the desk: one click to the draft, type, one to submit.
    page = log_in(browser, live_server, editor.username)
    assert "편집 데스크" in page.locator("h1").inner_text()
    shot(page, "01-desk-editor")
    assert_contrast(page)
    click = Clicks(page)
    click("#prism-desk-edition a.prism-desk-open")
    page.wait_for_selector("#id_items-0-summary")
    assert page.locator(".prism-source mark").count() >= 1
    # The source article sits beside its item on a wide screen.
    item_box = page.locator("#part-item-1 .prism-part-main").bounding_box()
    source_box = page.locator("#part-item-1 .prism-part-side").bounding_box()
    assert source_box["x"] > item_box["x"] + item_box["width"] - 5
    shot(page, "02-change-form", "#prism-workflow", "#part-item-1", "#prism-actionbar")
    assert_contrast(page)
    click("#id_items-0-summary", navigates=False)
    page.fill("#id_items-0-summary", NEW_SUMMARY)
    # The action bar stays in view while the editor is deep in the items.
    page.locator("#part-item-3").scroll_into_view_if_needed()
    assert page.locator("#prism-actionbar button.prism-button-submit").is_visible()
    click("#prism-actionbar button.prism-button-submit")
    assert "검토 중" in page.locator(".prism-workflow-state").inner_text()
    assert page.locator("#id_items-0-summary").input_value() == NEW_SUMMARY
    assert click.count <= 4, click.count
    editor_clicks = click.count
    # The same page in Django's dark theme is readable too.
    page.emulate_media(color_scheme="dark")
    page.reload()
    assert_contrast(page)
    shot(page, "02-change-form-dark", "#prism-workflow")
    page.emulate_media(color_scheme="light")
    # A page the editor may not see answers in Korean, in the admin's layout.
    response = page.goto(
        f"{live_server.url}{reverse('admin:prism_sharelink_changelist')}"
    )
    assert response.status == 403
    assert "권한이 없습니다" in page.locator("#content").inner_text()
    shot(page, "09-forbidden")
    page.context.close()

    # The chief: the review queue on the desk, 승인, 발행.
    page = log_in(browser, live_server, chief.username)
    shot(page, "03-desk-chief")
    click = Clicks(page)
    click("#prism-desk-review a.prism-desk-open")
    click("#prism-actionbar button.prism-button-approve")
    assert "승인됨" in page.locator(".prism-workflow-state").inner_text()
    click("#prism-actionbar button.prism-button-publish")
    assert "발행됨" in page.locator(".prism-workflow-state").inner_text()
    assert click.count <= 3, click.count
    shot(page, "04-published")
    page.goto(f"{live_server.url}{reverse('admin:prism_briefing_changelist')}")
    assert_contrast(page)
    shot(page, "05-changelist")
    page.context.close()

    draft.refresh_from_db()
    assert draft.status == Briefing.Status.PUBLISHED
    context = browser.new_context(locale="ko-KR")
    public = context.new_page()
    response = public.goto(f"{live_server.url}{draft.get_absolute_url()}")
    assert response.status == 200
    text = public.locator("body").inner_text()
    assert NEW_SUMMARY in text and prism_settings.footer in text
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
    edited = AuditEvent.objects.get(briefing=draft, action="edited")
    assert edited.data["parts"] == ["item1.summary"]
    print(f"clicks from the desk: editor {editor_clicks}, chief {click.count}")


def _summarized(make_article, headline: str, body: str, **fields) -> Article:
    article = make_article(headline=headline, body=body, section="산업", **fields)
    ArticleSummary.objects.create(
        article=article, backend="extractive", text=body, sentences=[]
    )
    return article


@pytest.mark.django_db(transaction=True)
def test_selection_editing_recompose_regenerate_and_stale_save_in_the_browser(
    transactional_db,
    live_server,
    browser,
    sample_edition,
    reader_type,
    make_article,
    make_role_user,
    settings,
):
    from prism.services.generation import briefing_generate

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    editor = make_role_user("editor", password=PASSWORD)
    colleague = make_role_user("editor", password=PASSWORD)
    briefing = briefing_generate(
        reader_type=reader_type, edition_date=sample_edition.edition_date
    ).briefing
    change = (
        f"{live_server.url}{reverse('admin:prism_briefing_change', args=[briefing.pk])}"
    )
    page = log_in(browser, live_server, editor.username)
    page.goto(change)
    first_two = [briefing.items.get(rank=r).article_id for r in (1, 2)]

    # Reorder: 1 goes down one place; the 관심/참고 split follows the ranks.
    with page.expect_navigation():
        page.click("#part-item-1 button.prism-item-down")
    assert [briefing.items.get(rank=r).article_id for r in (1, 2)] == first_two[::-1]

    # Replace 2 with an article found by search in the picker; its summary comes along.
    with page.expect_navigation():
        page.click("#part-item-2 button.prism-item-replace")
    assert page.locator("#prism-candidates tbody tr").count() >= 1
    shot(page, "06-picker", "#content-main")
    assert_contrast(page)
    fresh = _summarized(
        make_article,
        "편집자가 찾아 넣은 반도체 장비 수출 기사",
        "반도체 장비 수출이 두 달째 늘었다. 중국 수출 물량이 회복된 덕분이다. "
        "업계는 내년 설비 투자가 더 늘 것으로 본다.",
        published_at=dt.datetime.combine(
            sample_edition.newest_day,
            dt.time(12),
            tzinfo=timezone.get_current_timezone(),
        ),
    )
    page.fill("input[name=q]", "찾아 넣은 반도체")
    with page.expect_navigation():
        page.click(".prism-picker-search button")
    with page.expect_navigation():
        page.click(f"form:has(input[name=article][value='{fresh.pk}']) button")
    replaced = briefing.items.get(rank=2)
    assert replaced.article_id == fresh.pk
    assert replaced.summary.startswith("반도체 장비 수출이 두 달째 늘었다.")

    # Remove 6, then add one back from the picker's ranked candidates.
    with page.expect_navigation():
        page.click("#part-item-6 button.prism-item-remove")
    assert briefing.items.count() == 5
    with page.expect_navigation():
        page.click("button.prism-item-add")
    with page.expect_navigation():
        page.click("#prism-candidates tbody tr:first-child button.prism-choose")
    assert briefing.items.count() == 6

    # Recompose section 2 from the current items.
    with page.expect_navigation():
        page.click("#part-section-2 button.prism-recompose-section")
    briefing.refresh_from_db()
    assert (
        briefing.revisions.latest("number").provenance.get("recomposed") == "section:2"
    )
    assert briefing.sections.get(position=2).body.strip()

    # Regenerate this reader type's draft: the person's edits were the moves, so
    # the page asks first.
    with page.expect_navigation():
        page.click("button.prism-regenerate")
    assert page.locator("#prism-overwrite").is_visible()
    with page.expect_navigation():
        page.click("button.prism-overwrite-confirm")
    briefing.refresh_from_db()
    assert not briefing.human_edited
    assert briefing.revisions.latest("number").kind == "generated"
    shot(
        page,
        "07-after-regenerate",
        "#prism-workflow",
        "#prism-recompose",
        "#part-section-1",
    )

    # Leaving with unsaved text asks first.
    page.fill("#id_lead", "저장하지 않은 리드")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.evaluate("document.querySelector('a.prism-preview').removeAttribute('target')")
    try:
        page.click("a.prism-preview", timeout=3000)
    except Exception:  # noqa: BLE001, S110  # the dismissed dialog keeps us here
        pass
    assert dialogs == ["beforeunload"]
    assert page.locator("#id_lead").input_value() == "저장하지 않은 리드"

    # Stale save: a colleague saves first; my refused text stays, next to theirs.
    other = log_in(browser, live_server, colleague.username)
    other.goto(change)
    other.fill("#id_lead", "동료가 먼저 저장한 리드.")
    with other.expect_navigation():
        other.click("#prism-actionbar button.prism-save")
    other.context.close()
    page.fill("#id_lead", "내가 쓴 리드.")
    with page.expect_navigation():
        page.click("#prism-actionbar button.prism-save")
    assert page.locator("#prism-conflict").is_visible()
    assert "동료가 먼저 저장한 리드." in page.locator("#prism-conflict").inner_text()
    assert page.locator("#id_lead").input_value() == "내가 쓴 리드."
    shot(page, "08-conflict", "#prism-conflict")
    with page.expect_navigation():
        page.click("#prism-actionbar button.prism-save")
    briefing.refresh_from_db()
    assert briefing.lead == "내가 쓴 리드."
    page.context.close()
