"""The briefing admin: changelist, change form, buttons, locking, preview, diffs,
history, restore, share links and metrics — each page checking permission itself."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from prism.models import AuditEvent, Briefing, BriefingItem, ShareLink
from prism.services import workflow
from prism.services.share_links import share_link_create
from tests.helpers.admin_forms import briefing_admin_url as url
from tests.helpers.admin_forms import change_form_data

S = Briefing.Status
pytestmark = pytest.mark.usefixtures("fast_passwords")


def buttons(response) -> list[str]:
    """The workflow buttons a user can press on the change form (not disabled)."""
    page = response.content.decode()
    found = re.findall(
        r'<button type="submit" class="button prism-button-([a-z_]+)"([^>]*)>', page
    )
    return [action for action, attrs in found if "disabled" not in attrs]


def test_changelist_counts_today_first_edited_indicator_and_search(
    client, generated, reader_type, editor
):
    from prism.models import ReaderType

    founder = ReaderType.objects.exclude(pk=reader_type.pk).first()
    yesterday = generated(edition_date=timezone.localdate() - dt.timedelta(days=1))
    today_published = generated(status=S.PUBLISHED, reader_type=founder)
    today_draft = generated(keywords=["초전도체", "금리", "수출", "투자", "환율"])
    workflow.briefing_save_edit(
        briefing=today_draft, user=editor, data={"lead": "수정."}, base_version=1
    )
    client.force_login(editor)
    response = client.get(url("changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    results = list(response.context["cl"].result_list)
    # Today's queue first, and within today what needs a person before what is done.
    assert results == [today_draft, today_published, yesterday]
    counts = {row["status"]: row for row in response.context["status_counts"]}
    assert counts["draft"]["count"] == 2
    assert counts["draft"]["today"] == 1
    assert counts["published"]["today"] == 1
    assert "prism-status-counts" in page
    # The "edited by a person" column shows a yes icon exactly once.
    assert page.count('alt="True"') == 1

    by_keyword = client.get(url("changelist"), {"q": "초전도체"})
    assert list(by_keyword.context["cl"].result_list) == [today_draft]
    by_headline = client.get(url("changelist"), {"q": "CEO 브리핑"})
    assert len(by_headline.context["cl"].result_list) == 3
    filtered = client.get(url("changelist"), {"status__exact": "published"})
    assert list(filtered.context["cl"].result_list) == [today_published]
    edited = client.get(url("changelist"), {"edited": "yes"})
    assert list(edited.context["cl"].result_list) == [today_draft]


def test_change_form_shows_source_article_offsets_and_selection_reason(
    client, generated, make_article, editor
):
    briefing = generated()
    body = "첫 문장은 배경이다. 한국은행이 기준금리를 동결했다. 시장은 인하를 점친다."
    article = make_article(body=body, url="https://example.com/a/1")
    start = body.index("한국은행")
    sentence = "한국은행이 기준금리를 동결했다."
    BriefingItem.objects.filter(briefing=briefing, rank=1).update(
        article=article,
        summary_sentences=[
            {"text": sentence, "start": start, "end": start + len(sentence)}
        ],
        selection_reason={"score": 0.8123, "matched_keywords": ["금리", "한국은행"]},
    )
    client.force_login(editor)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert f"<mark>{sentence}</mark>" in page
    # Editors' words: no character offsets, no scores, no English codes.
    assert f"{start}–{start + len(sentence)}" not in page
    assert 'href="https://example.com/a/1"' in page
    assert "0.812" not in page and "관심도" not in page
    assert "선정 이유: 관심 키워드 ‘금리’·‘한국은행’" in page
    assert ">interest<" not in page and ">reference<" not in page
    assert 'name="base_version" value="1"' in page
    assert 'name="items-0-summary"' in page
    assert 'name="sections-0-heading"' in page


def test_buttons_are_exactly_the_users_transitions(client, generated, editor, chief):
    briefing = generated()
    client.force_login(editor)
    assert buttons(client.get(url("change", briefing.pk))) == ["submit"]
    client.force_login(chief)
    assert buttons(client.get(url("change", briefing.pk))) == ["submit", "spike"]
    briefing.status = S.IN_REVIEW
    briefing.save()
    assert buttons(client.get(url("change", briefing.pk))) == [
        "request_changes",
        "approve",
        "spike",
    ]
    client.force_login(editor)
    assert buttons(client.get(url("change", briefing.pk))) == []


def test_publish_buttons_hidden_and_problems_listed_when_guards_fail(
    client, generated, chief
):
    briefing = generated(status=S.APPROVED, approved_version=1, editors_note="")
    client.force_login(chief)
    response = client.get(url("change", briefing.pk))
    assert "publish" not in buttons(response)
    assert "schedule" not in buttons(response)
    assert "편집자 주가 없습니다." in response.content.decode()
    # Posting anyway is refused by the service with the same list.
    response = client.post(url("transition", briefing.pk, "publish"), follow=True)
    assert "편집자 주가 없습니다." in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == S.APPROVED


def test_edit_through_the_admin_is_a_revision_with_audit_and_logentry(
    client, generated, editor
):
    briefing = generated()
    client.force_login(editor)
    data = change_form_data(client.get(url("change", briefing.pk)))
    data["items-2-summary"] = "편집자가 다시 쓴 세 번째 요약이다. 둘째 문장. 셋째 문장."
    data["keywords"] = "AI 반도체, 금리, 수출, 투자, 전기차"
    response = client.post(url("change", briefing.pk), data)
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.version == 2
    assert briefing.human_edited
    assert briefing.keywords == ["AI 반도체", "금리", "수출", "투자", "전기차"]
    assert briefing.items.get(rank=3).summary.startswith("편집자가 다시 쓴")
    revision = briefing.revisions.get(number=2)
    assert revision.author == editor
    assert revision.kind == "edited"
    event = AuditEvent.objects.get(briefing=briefing, action="edited")
    assert set(event.data["parts"]) == {"keywords", "item3.summary"}
    assert LogEntry.objects.filter(object_id=str(briefing.pk), user=editor).exists()


def test_second_editor_on_the_same_version_gets_a_form_error_linking_the_diff(
    client, generated, make_role_user
):
    briefing = generated()
    first, second = make_role_user("editor"), make_role_user("editor")
    client.force_login(first)
    data_first = change_form_data(client.get(url("change", briefing.pk)))
    client.force_login(second)
    data_second = change_form_data(client.get(url("change", briefing.pk)))

    client.force_login(first)
    data_first["lead"] = "첫 번째 편집자가 쓴 리드."
    assert client.post(url("change", briefing.pk), data_first).status_code == 302

    client.force_login(second)
    data_second["lead"] = "두 번째 편집자가 쓴 리드."
    response = client.post(url("change", briefing.pk), data_second)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{first.username}님이 먼저 저장했습니다" in page
    assert f"{url('diff', briefing.pk)}?a=v1&amp;b=current" in page
    briefing.refresh_from_db()
    assert briefing.lead == "첫 번째 편집자가 쓴 리드."
    assert briefing.version == 2


def test_editing_an_approved_briefing_sends_it_back_to_review(
    client, generated, editor
):
    briefing = generated(status=S.APPROVED, approved_version=1)
    client.force_login(editor)
    data = change_form_data(client.get(url("change", briefing.pk)))
    data["lead"] = "승인 뒤 고친 리드."
    response = client.post(url("change", briefing.pk), data, follow=True)
    assert "다시 ‘검토 중’ 상태" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert briefing.approved_version == 1
    assert briefing.version == 2


def test_published_briefing_is_read_only_for_editors_and_corrected_by_chiefs(
    client, generated, editor, chief
):
    briefing = generated(status=S.APPROVED, approved_version=1)
    workflow.briefing_publish(briefing=briefing, user=chief)
    client.force_login(editor)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert 'name="lead"' not in page
    client.force_login(chief)
    data = change_form_data(client.get(url("change", briefing.pk)))
    data["lead"] = "정정된 리드."
    response = client.post(url("change", briefing.pk), data)
    assert response.status_code == 200
    assert "정정 안내를 입력하세요" in response.content.decode()
    data["correction_note"] = "리드의 수치를 바로잡았습니다."
    assert client.post(url("change", briefing.pk), data).status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == S.PUBLISHED
    assert briefing.lead == "정정된 리드."
    public = client.get(briefing.get_absolute_url()).content.decode()
    assert "정정된 리드." in public
    assert "리드의 수치를 바로잡았습니다." in public


def test_transition_views_are_post_only_and_log_to_logentry(client, generated, editor):
    briefing = generated()
    client.force_login(editor)
    assert client.get(url("transition", briefing.pk, "submit")).status_code == 405
    assert client.post(url("transition", briefing.pk, "correct")).status_code == 404
    assert client.post(url("transition", briefing.pk, "approve")).status_code == 403
    response = client.post(
        url("transition", briefing.pk, "submit"), {"comment": "봐 주세요"}
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    entry = LogEntry.objects.get(object_id=str(briefing.pk), user=editor)
    assert "검토 요청" in entry.change_message
    assert "봐 주세요" in entry.change_message


def test_preview_renders_the_public_template_privately(client, generated, editor):
    briefing = generated(lead="아직 공개되지 않은 리드 문단이다.")
    # The public page does not show a draft to anyone.
    assert client.get(briefing.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(url("preview", briefing.pk))
    assert response.status_code == 200
    page = response.content.decode()
    fresh = Briefing.objects.with_content().get(pk=briefing.pk)
    body = render_to_string("prism/includes/briefing_body.html", {"briefing": fresh})
    assert body in page
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert 'name="robots" content="noindex' in page


def test_preview_diff_history_check_permissions_themselves(client, generated):
    briefing = generated()
    staff = get_user_model().objects.create_user(
        "staff-without-permissions", password="x", is_staff=True
    )
    client.force_login(staff)
    for name in ["preview", "diff", "history", "change"]:
        assert client.get(url(name, briefing.pk)).status_code == 403, name
    assert client.get(url("preview", briefing.pk) + "?revision=1").status_code == 403
    assert client.get(url("metrics")).status_code == 403
    assert client.post(url("share", briefing.pk)).status_code == 403
    assert client.post(url("restore_revision", briefing.pk, 1)).status_code == 403


def test_revision_preview_and_word_diff(client, generated, editor, chief):
    briefing = generated()
    workflow.briefing_save_edit(
        briefing=briefing,
        user=editor,
        data={"items": [{"rank": 1, "summary": "삼성전자가 배터리 투자를 늘렸다."}]},
        base_version=1,
    )
    client.force_login(editor)
    old = client.get(url("preview", briefing.pk) + "?revision=1").content.decode()
    assert "1번 기사의 요약이다." in old
    assert "배터리 투자를" not in old
    current = client.get(url("preview", briefing.pk)).content.decode()
    assert "배터리 투자를" in current
    diff = client.get(url("diff", briefing.pk), {"a": "original", "b": "current"})
    page = diff.content.decode()
    assert (
        '<del class="prism-del">1번 기사의 요약이다. 두 번째 문장이다. 끝 문장이다'
        in (page)
    )
    assert '<ins class="prism-ins">삼성전자가 배터리 투자를 늘렸다' in page
    assert "1번 기사 핵심 요약" in page
    assert diff.context["changed_count"] == 1
    # Current vs live: nothing is live yet, which the page says.
    live = client.get(url("diff", briefing.pk), {"a": "live", "b": "current"})
    assert "비교할 대상이 없습니다" in live.content.decode()
    assert client.get(url("diff", briefing.pk), {"a": "v99"}).status_code == 404


def test_history_lists_revisions_with_provenance_and_restores(
    client, generated, editor
):
    briefing = generated()
    original_lead = briefing.lead
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"lead": "바꾼 리드."}, base_version=1
    )
    client.force_login(editor)
    page = client.get(url("history", briefing.pk)).content.decode()
    assert "v1" in page and "v2" in page
    # Provenance and audit rows as sentences, not Python dicts or codes.
    assert "요약: extractive · 생성 작업 #1" in page
    assert "{&#x27;" not in page and "<code>" not in page
    assert "AI 생성" in page
    assert "편집 — 리드" in page  # the audit trail
    # A restore based on an outdated version is refused.
    response = client.post(
        url("restore_revision", briefing.pk, 1), {"base_version": "1"}, follow=True
    )
    assert "다른 사람이 먼저 저장했습니다" in response.content.decode()
    response = client.post(
        url("restore_revision", briefing.pk, 1), {"base_version": "2"}
    )
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.lead == original_lead
    assert briefing.version == 3
    assert briefing.revisions.get(number=3).kind == "restored"
    assert client.get(url("restore_revision", briefing.pk, 1)).status_code == 405


def test_share_link_lifecycle(client, generated, editor, chief):
    briefing = generated(lead="외부 검토용 리드.")
    client.force_login(editor)
    assert client.post(url("share", briefing.pk)).status_code == 403
    client.force_login(chief)
    response = client.post(url("share", briefing.pk), {"hours": "5"}, follow=True)
    link = ShareLink.objects.get(briefing=briefing)
    assert link.revision.number == 1
    assert link.created_by == chief
    assert 4.9 < (link.expires_at - timezone.now()).total_seconds() / 3600 <= 5
    shared_url = re.search(
        r"http://testserver(/admin/prism/briefing/shared/[^/]+/)",
        response.content.decode(),
    ).group(1)
    assert AuditEvent.objects.filter(action="share_link_created").count() == 1

    client.logout()
    shared = client.get(shared_url)
    assert shared.status_code == 200
    assert "외부 검토용 리드." in shared.content.decode()
    assert "no-store" in shared["Cache-Control"]
    assert client.post(shared_url).status_code == 405

    tampered = shared_url.replace("/shared/", "/shared/x")
    assert client.get(tampered).status_code == 404
    forged = signing.dumps({"l": link.pk, "r": link.revision_id}, salt="other")
    assert client.get(url("shared", forged)).status_code == 404

    client.force_login(editor)
    revoke = reverse("admin:prism_sharelink_revoke", args=[link.pk])
    assert client.post(revoke).status_code == 403
    client.force_login(chief)
    assert client.post(revoke).status_code == 302
    client.logout()
    gone = client.get(shared_url)
    assert gone.status_code == 404
    assert "취소된 링크" in gone.content.decode()


def test_expired_share_link_is_refused(client, generated, chief):
    briefing = generated()
    link, token = share_link_create(briefing=briefing, user=chief, hours=1)
    assert client.get(url("shared", token)).status_code == 200
    ShareLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(url("shared", token))
    assert response.status_code == 404
    assert "만료된 링크" in response.content.decode()


def test_share_link_shows_its_revision_not_later_edits(client, generated, chief):
    briefing = generated(lead="공유 당시의 리드.")
    _link, token = share_link_create(briefing=briefing, user=chief)
    workflow.briefing_save_edit(
        briefing=briefing, user=chief, data={"lead": "나중 리드."}, base_version=1
    )
    page = client.get(url("shared", token)).content.decode()
    assert "공유 당시의 리드." in page
    assert "나중 리드." not in page


def test_delete_and_add_are_disabled(client, generated, chief):
    briefing = generated()
    client.force_login(chief)
    assert client.get(url("delete", briefing.pk)).status_code == 403
    assert client.post(url("delete", briefing.pk), {"post": "yes"}).status_code == 403
    assert client.get(url("add")).status_code == 403
    changelist = client.get(url("changelist"))
    assert changelist.context["action_form"] is None
    assert "delete_selected" not in changelist.content.decode()
    assert Briefing.objects.filter(pk=briefing.pk).exists()


def test_edit_metrics_page(client, generated, editor, chief):
    briefing = generated(status=S.IN_REVIEW)
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_publish(briefing=briefing, user=chief)
    assert client.get(url("metrics")).status_code == 302
    client.force_login(editor)
    response = client.get(url("metrics"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 1
    assert rows[0]["count"] == 1
    assert rows[0]["unchanged"] == 1
    assert briefing.reader_type.name in response.content.decode()
    assert [row["briefing"] for row in response.context["briefings"]] == [briefing]
    assert str(briefing) in response.content.decode()


def test_revision_and_audit_admin_are_read_only(client, generated, make_role_user):
    briefing = generated()
    superuser = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(superuser)
    revision = briefing.revisions.get()
    change = reverse("admin:prism_briefingrevision_change", args=[revision.pk])
    page = client.get(change).content.decode()
    assert 'name="content"' not in page
    response = client.post(change, {"comment": "조작"})
    assert response.status_code == 403
    assert client.get(reverse("admin:prism_auditevent_add")).status_code == 403


def test_approve_button_refuses_a_version_the_chief_did_not_see(
    client, generated, editor, chief
):
    briefing = generated(status=S.IN_REVIEW)
    client.force_login(chief)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert 'name="base_version" value="1"' in page
    workflow.briefing_save_edit(
        briefing=Briefing.objects.get(pk=briefing.pk),
        user=editor,
        data={"lead": "승인 직전에 바뀐 리드."},
        base_version=1,
    )
    response = client.post(
        url("transition", briefing.pk, "approve"), {"version": "1"}, follow=True
    )
    assert "바뀐 내용을 확인한 뒤 다시 결정하세요" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert not AuditEvent.objects.filter(briefing=briefing, action="approved").exists()


def test_correction_form_checks_the_publish_guards_before_saving(
    client, generated, chief
):
    briefing = generated(status=S.APPROVED, approved_version=1)
    workflow.briefing_publish(briefing=briefing, user=chief)
    client.force_login(chief)
    data = change_form_data(client.get(url("change", briefing.pk)))
    data.update(
        correction_note="정정합니다.",
        footer="",
        keywords="금리, 수출",
        editors_note="",
        lead="정정하려던 리드.",
    )
    response = client.post(url("change", briefing.pk), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "저작권 문구는" in page
    assert "키워드는 5개여야 합니다." in page
    assert "편집자 주가 없습니다." in page
    # The form is shown again with the person's text, nothing was saved.
    assert "정정하려던 리드." in page
    briefing.refresh_from_db()
    assert briefing.version == 1
    assert briefing.lead != "정정하려던 리드."


def test_the_admin_speaks_korean_whatever_the_browser_asks(client, django_user_model):
    chief = django_user_model.objects.create_superuser(
        "chief-ko", password="pw-12345678"
    )
    client.force_login(chief)
    headers = {"accept-language": "en-US,en;q=0.9"}
    html = client.get("/admin/prism/briefing/", headers=headers).content.decode()
    assert "AI 프리즘 편집국" in html
    assert "Select" not in html and "Django administration" not in html


# ------------------------------------------------------------- articles


def article_form(client, article) -> tuple[str, dict]:
    change = reverse("admin:prism_article_change", args=[article.pk])
    return change, change_form_data(client.get(change))


def test_correcting_an_articles_body_rehashes_and_queues_a_new_summary(
    admin_client, make_article, django_capture_on_commit_callbacks, task_queue
):
    from prism.ingest import content_hash

    article = make_article(headline="수출 석 달째 증가")
    old_hash = article.content_hash
    change, data = article_form(admin_client, article)
    data["body"] = article.body + " 반도체가 증가를 이끌었다."
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.content_hash == content_hash(data["body"]) != old_hash
    queued = {(t["func"], tuple(t["args"][0])) for t in task_queue()}
    assert queued == {
        ("prism.tasks.summarize_articles", (article.pk,)),
        ("prism.tasks.index_articles", (article.pk,)),
    }


def test_an_article_body_already_stored_elsewhere_is_refused(
    admin_client, make_article
):
    from prism.ingest import content_hash

    first = make_article(headline="원래 기사")
    first.content_hash = content_hash(first.body)  # as the importer stores it
    first.save()
    second = make_article(headline="다른 기사", body=first.body + " 덧붙인 문장.")
    change, data = article_form(admin_client, second)
    data["body"] = first.body
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert f"같은 본문의 기사가 이미 있습니다: 원래 기사 (#{first.pk})" in (
        response.content.decode()
    )
    second.refresh_from_db()
    assert second.body != first.body
