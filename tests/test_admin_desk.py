"""The editor's desk in the admin: buttons that save first, the desk, selection
editing, recomposing, withdrawing, stale-save recovery, Korean error pages, and the
malformed form values that used to be 500s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from prism.models import (
    Article,
    ArticleSummary,
    AuditEvent,
    Briefing,
    BriefingItem,
    GenerationRun,
)
from prism.services import workflow
from tests.helpers.admin_forms import briefing_admin_url as url
from tests.helpers.admin_forms import change_form_data

S = Briefing.Status
pytestmark = pytest.mark.usefixtures("fast_passwords")


def form_data(client, briefing, **changes) -> dict:
    data = change_form_data(client.get(url("change", briefing.pk)))
    data.update(changes)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- issue 13 item 4: malformed values are messages, never 500s -----------------------


@pytest.mark.parametrize("revision", ["abc", "999999", " "])
def test_share_with_a_malformed_revision_is_a_message(
    client, generated, chief, revision
):
    briefing = generated()
    client.force_login(chief)
    response = client.post(
        url("share", briefing.pk), {"revision": revision, "hours": "12"}, follow=True
    )
    assert response.status_code == 200
    if revision.strip():
        assert "공유할 버전을 찾을 수 없습니다" in " ".join(messages_of(response))
        assert not briefing.share_links.exists()
    response = client.post(url("share", briefing.pk), {"hours": "열두"}, follow=True)
    assert "숫자로 입력하세요" in " ".join(messages_of(response))


@pytest.mark.parametrize("publish_at", ["2030-02-30T10:00", "2030-01-01T25:00"])
def test_schedule_with_an_impossible_time_is_a_message(
    client, generated, chief, publish_at
):
    briefing = generated(status=S.APPROVED, approved_version=1)
    client.force_login(chief)
    response = client.post(
        url("transition", briefing.pk, "schedule"),
        {"publish_at": publish_at, "version": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert f"‘{publish_at}’을(를) 읽을 수 없습니다" in " ".join(messages_of(response))
    # The same value from the change form's action bar: the form comes back.
    data = form_data(
        client,
        briefing,
        _prism="workflow:schedule",
        _prism_publish_at=publish_at,
    )
    response = client.post(url("change", briefing.pk), data)
    assert response.status_code == 200
    assert "읽을 수 없습니다" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == S.APPROVED


# --- no path loses an edit ------------------------------------------------------------


def test_submit_button_saves_the_typed_summary_first(client, generated, editor):
    briefing = generated()
    client.force_login(editor)
    data = form_data(
        client,
        briefing,
        **{"items-0-summary": "고친 요약이다. 둘째 문장이다. 셋째 문장이다."},
        _prism="workflow:submit",
        _prism_comment="봐 주세요",
    )
    response = client.post(url("change", briefing.pk), data)
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert briefing.version == 2
    assert briefing.items.get(rank=1).summary.startswith("고친 요약이다.")
    actions = list(
        AuditEvent.objects.filter(briefing=briefing)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["edited", "submitted"]
    # The change log says what changed, in Korean words.
    entry = LogEntry.objects.filter(object_id=str(briefing.pk)).latest("id")
    assert entry.get_change_message().startswith("1번 기사 핵심 요약을(를) 고쳤습니다.")
    assert "검토 요청: 봐 주세요" in entry.get_change_message()


def test_a_refused_step_saves_nothing_and_keeps_the_typed_text(
    client, generated, chief
):
    briefing = generated(status=S.IN_REVIEW, editors_note="")
    client.force_login(chief)
    page = client.get(url("change", briefing.pk)).content.decode()
    # The checks are listed before anyone presses 승인.
    assert "발행 전 보완할 점 1가지" in page and "편집자 주가 없습니다." in page
    data = form_data(
        client, briefing, lead="편집장이 고친 리드.", _prism="workflow:approve"
    )
    response = client.post(url("change", briefing.pk), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "편집자 주가 없습니다." in page
    assert "편집장이 고친 리드." in page  # still in the textarea
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert briefing.version == 1
    assert briefing.lead != "편집장이 고친 리드."
    assert not AuditEvent.objects.filter(briefing=briefing).exists()


def test_checks_show_from_the_draft_stage_and_submit_warns(client, generated, editor):
    briefing = generated(keywords=["금리", "수출", "투자"])
    client.force_login(editor)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert "키워드가 3개입니다" in page
    response = client.post(
        url("change", briefing.pk),
        form_data(client, briefing, _prism="workflow:submit"),
        follow=True,
    )
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW
    assert any("보완할 점이 1가지" in m for m in messages_of(response))


def test_editors_cannot_publish_or_approve_through_the_form(client, generated, editor):
    briefing = generated(status=S.IN_REVIEW)
    client.force_login(editor)
    for action in ("approve", "publish"):
        data = form_data(client, briefing, lead="몰래", _prism=f"workflow:{action}")
        response = client.post(url("change", briefing.pk), data)
        assert response.status_code == 403
        assert "권한이 없습니다" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == S.IN_REVIEW and briefing.lead != "몰래"


def test_the_editor_page_asks_before_leaving_with_unsaved_changes(
    client, generated, editor
):
    briefing = generated()
    client.force_login(editor)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert "prism/admin/editor.js" in page
    from django.contrib.staticfiles import finders

    script = open(finders.find("prism/admin/editor.js"), encoding="utf-8").read()
    assert "beforeunload" in script


# --- the desk -------------------------------------------------------------------------


def test_the_desk_shows_today_review_schedule_published_and_runs(
    client, generated, editor, chief, make_role_user
):
    from prism.models import ReaderType

    founder = ReaderType.objects.exclude(slug="ceo").filter(is_active=True).first()
    draft = generated()
    workflow.briefing_save_edit(
        briefing=draft, user=editor, data={"lead": "고친 리드."}, base_version=1
    )
    # The quality report as prism.services.quality stores it (refreshed on saves).
    finding = {"check": "x", "severity": "hard", "part": "lead", "excerpt": ""}
    Briefing.objects.filter(pk=draft.pk).update(
        quality_findings=[finding | {"message": "리드가 짧다"}]
    )
    waiting = generated(reader_type=founder, status=S.IN_REVIEW)
    GenerationRun.objects.create(
        edition_date=timezone.localdate(), status="failed", error="모델을 찾을 수 없음"
    )
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    page = response.content.decode()
    assert "편집 데스크" in page
    assert "최근 활동" not in page  # Django's empty "recent actions" box is gone
    change = url("change", draft.pk)
    assert f'href="{change}"' in page
    assert "사람이 고침" in page and editor.username in page
    assert "1건 (꼭 고칠 것 1)" in page
    assert "모델을 찾을 수 없음" in page
    assert "검토 대기" not in page  # chief editors' queue
    client.force_login(chief)
    page = client.get(reverse("admin:index")).content.decode()
    assert "검토 대기 (1)" in page
    assert f'href="{url("change", waiting.pk)}"' in page
    # The quality report is listed on the change form with a link to the part.
    page = client.get(change).content.decode()
    assert 'href="#id_lead"' in page or 'href="#part-lead"' in page
    assert "리드가 짧다" in page


# --- selection editing --------------------------------------------------------------


def _summary(article: Article, text: str) -> None:
    ArticleSummary.objects.create(
        article=article,
        backend="extractive",
        text=text,
        sentences=[{"text": text, "start": 0, "end": len(text)}],
        source_hash=getattr(article, "content_hash", ""),
    )


def test_move_remove_and_the_split_follow_the_ranks(client, generated, editor):
    briefing = generated()
    third = briefing.items.get(rank=3)
    fourth = briefing.items.get(rank=4)
    client.force_login(editor)
    data = form_data(client, briefing, lead="옮기기 전에 고친 리드.", _prism="down:3")
    assert client.post(url("change", briefing.pk), data).status_code == 302
    briefing.refresh_from_db()
    assert briefing.lead == "옮기기 전에 고친 리드."  # saved with the move
    assert briefing.version == 3
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.rank, third.group) == (4, BriefingItem.Group.REFERENCE)
    assert (fourth.rank, fourth.group) == (3, BriefingItem.Group.INTEREST)
    data = form_data(client, briefing, _prism="remove:1")
    assert client.post(url("change", briefing.pk), data).status_code == 302
    ranks = list(briefing.items.order_by("rank").values_list("rank", "group"))
    assert [r for r, _ in ranks] == [1, 2, 3, 4, 5]
    assert [g for _, g in ranks] == ["interest"] * 3 + ["reference"] * 2
    assert briefing.revisions.filter(number=4).exists()


def test_replace_and_add_through_the_picker(client, generated, editor, make_article):
    briefing = generated()
    fresh = make_article(headline="반도체 수출 석 달째 증가", section="산업")
    _summary(fresh, "반도체 수출이 석 달째 늘었다. 기업들은 투자를 늘렸다. 끝.")
    client.force_login(editor)
    data = form_data(client, briefing, _prism="pick:2")
    response = client.post(url("change", briefing.pk), data)
    assert response.status_code == 302
    assert response["Location"] == url("item_pick", briefing.pk) + "?rank=2"
    picker = client.get(url("item_pick", briefing.pk), {"rank": 2, "q": "반도체 수출"})
    assert picker.status_code == 200
    assert "반도체 수출 석 달째 증가" in picker.content.decode()
    response = client.post(
        url("item_choose", briefing.pk),
        {"article": fresh.pk, "rank": 2, "base_version": 1},
    )
    assert response.status_code == 302
    item = briefing.items.get(rank=2)
    assert item.article == fresh
    assert item.summary.startswith("반도체 수출이 석 달째 늘었다.")
    assert item.selection_reason["chosen_by_editor"]
    # The same article twice is refused with a message.
    response = client.post(
        url("item_choose", briefing.pk),
        {"article": fresh.pk, "base_version": 2},
        follow=True,
    )
    assert "이미 2번 기사로" in " ".join(messages_of(response))
    other = make_article(headline="추가할 기사")
    _summary(other, "추가할 기사의 요약이다.")
    client.post(
        url("item_choose", briefing.pk), {"article": other.pk, "base_version": 2}
    )
    assert briefing.items.count() == 7
    assert briefing.items.get(rank=7).article == other
    # Seven items: the publish checks say so before review.
    page = client.get(url("change", briefing.pk)).content.decode()
    assert "기사가 7개입니다" in page


def test_selection_views_check_permissions(client, generated, editor, chief):
    briefing = generated(status=S.APPROVED, approved_version=1)
    workflow.briefing_publish(briefing=briefing, user=chief)
    pick = url("item_pick", briefing.pk)
    choose = url("item_choose", briefing.pk)
    assert client.get(pick).status_code == 302  # anonymous: to the login page
    staff = get_user_model().objects.create_user("bare", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(pick).status_code == 403
    client.force_login(editor)
    response = client.get(pick)
    assert response.status_code == 403
    assert "권한이 없습니다" in response.content.decode()
    assert client.post(choose, {"article": 1, "base_version": 2}).status_code == 403
    assert client.get(choose).status_code == 405


TOPICS = [
    "한국은행이 기준금리를 연 2.5%로 동결했다. 물가 상승률이 둔화했지만 가계부채가 "
    "여전히 부담이다. 시장은 내년 상반기 인하를 점친다. 환율도 안정세를 보였다.",
    "반도체 수출이 석 달째 늘었다. 고대역폭메모리 주문이 급증한 덕분이다. 업계는 "
    "설비 투자를 앞당기고 있다. 장비 업체들도 수혜를 기대한다.",
    "전기차 배터리 업체들이 북미 공장 가동률을 낮췄다. 보조금 축소로 수요가 줄었다. "
    "업체들은 에너지저장장치 사업으로 눈을 돌린다. 원가 절감도 서두른다.",
    "스타트업 투자가 올해 들어 처음으로 반등했다. 인공지능 분야에 자금이 몰렸다. "
    "벤처캐피털은 후속 투자에 집중하고 있다. 초기 기업은 여전히 자금난을 겪는다.",
    "정부가 소상공인 배달비 지원을 늘린다. 카드수수료 부담도 덜어 준다. 저금리 대환 "
    "대출을 3조 원 규모로 공급한다. 지원은 다음 달부터 시작된다.",
    "부동산 거래량이 두 달 연속 줄었다. 대출 규제가 강화된 영향이다. 서울 아파트 "
    "값은 보합세를 보였다. 전문가들은 관망세가 이어질 것으로 본다.",
]


def test_recompose_a_section_and_never_overwrite_a_persons_text_unasked(
    client, generated, editor
):
    briefing = generated()
    for item, body in zip(briefing.items.order_by("rank"), TOPICS, strict=True):
        Article.objects.filter(pk=item.article_id).update(body=body)
    client.force_login(editor)
    data = form_data(client, briefing, **{"sections-1-body": "사람이 쓴 문단."})
    client.post(url("change", briefing.pk), data)
    response = client.post(
        url("change", briefing.pk),
        form_data(client, briefing, _prism="recompose:section:2"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "사람이 고친 부분이 있습니다: 2번째 주제 섹션" in page
    assert 'value="recompose:section:2!overwrite"' in page
    assert briefing.sections.get(position=2).body == "사람이 쓴 문단."
    data = form_data(client, briefing, _prism="recompose:section:2!overwrite")
    assert client.post(url("change", briefing.pk), data).status_code == 302
    section = briefing.sections.get(position=2)
    assert section.body != "사람이 쓴 문단."
    revision = briefing.revisions.latest("number")
    assert revision.provenance["recomposed"] == "section:2"
    event = AuditEvent.objects.filter(briefing=briefing).latest("id")
    assert event.action == "recomposed"
    # A machine-written part is rewritten again without asking.
    data = form_data(client, briefing, _prism="recompose:section:2")
    assert client.post(url("change", briefing.pk), data).status_code == 302


def test_withdraw_is_for_the_submitter(client, generated, make_role_user):
    briefing = generated()
    submitter, colleague = make_role_user("editor"), make_role_user("editor")
    workflow.briefing_submit_for_review(briefing=briefing, user=submitter)
    client.force_login(colleague)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert "prism-button-withdraw" not in page
    response = client.post(url("transition", briefing.pk, "withdraw"), {"version": 1})
    assert response.status_code == 403
    client.force_login(submitter)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert "검토 요청 취소" in page
    data = form_data(client, briefing, _prism="workflow:withdraw")
    assert client.post(url("change", briefing.pk), data).status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == S.DRAFT
    assert AuditEvent.objects.filter(briefing=briefing, action="withdrawn").exists()


# --- working together -----------------------------------------------------------------


def test_a_stale_save_shows_both_texts_and_reapplies_only_mine(
    client, generated, make_role_user
):
    briefing = generated()
    first, second = make_role_user("editor"), make_role_user("editor")
    client.force_login(second)
    stale = form_data(client, briefing)
    client.force_login(first)
    client.post(
        url("change", briefing.pk),
        form_data(
            client, briefing, lead="첫 편집자의 리드.", headline="첫 편집자 제목"
        ),
    )
    client.force_login(second)
    stale.update(lead="둘째 편집자의 리드.", **{"items-0-summary": "둘째가 쓴 요약."})
    response = client.post(url("change", briefing.pk), stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{first.username}님이 먼저 저장했습니다" in page
    rows = response.context["conflict_rows"]
    assert [r["label"] for r in rows] == ["리드"]
    assert rows[0]["theirs"] == "첫 편집자의 리드."
    # Pressing 저장 again applies my two changes on top of v2, keeping their title.
    again = change_form_data(response)
    again["base_version"] = str(response.context["conflict_version"])
    assert client.post(url("change", briefing.pk), again).status_code == 302
    briefing.refresh_from_db()
    assert briefing.version == 3
    assert briefing.lead == "둘째 편집자의 리드."
    assert briefing.headline == "첫 편집자 제목"
    assert briefing.items.get(rank=1).summary == "둘째가 쓴 요약."


def test_same_user_in_a_second_tab_is_told_so(client, generated, editor):
    briefing = generated()
    client.force_login(editor)
    tab_one, tab_two = form_data(client, briefing), form_data(client, briefing)
    tab_one["lead"] = "첫 탭."
    client.post(url("change", briefing.pk), tab_one)
    tab_two["lead"] = "둘째 탭."
    page = client.post(url("change", briefing.pk), tab_two).content.decode()
    assert "다른 창(탭)에서 이 브리핑을 먼저 저장했습니다" in page
    assert "다른 사람이 먼저" not in page


# --- words and pages ------------------------------------------------------------------


def test_korean_titles_and_error_pages(client, generated, editor):
    briefing = generated()
    staff = get_user_model().objects.create_user("nobody", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get(url("change", briefing.pk))
    assert response.status_code == 403
    page = response.content.decode()
    assert "권한이 없습니다" in page and "편집 데스크로 돌아가기" in page
    assert "Forbidden" not in page
    client.force_login(editor)
    response = client.post(url("transition", briefing.pk, "nonsense"))
    assert response.status_code == 404
    assert "알 수 없는 동작입니다." in response.content.decode()
    page = client.get(reverse("admin:prism_generationrun_changelist")).content.decode()
    assert "<h1>생성 작업</h1>" in page and "를(을) 선택" not in page
    page = client.get(url("changelist")).content.decode()
    assert "<h1>브리핑</h1>" in page and "변경할" not in page


def test_article_kind_is_listed_filtered_and_confirmed_when_changed(
    client, make_article, chief
):
    article = make_article()
    client.force_login(chief)
    changelist = reverse("admin:prism_article_changelist")
    page = client.get(changelist, {"kind__exact": "news"}).content.decode()
    assert "기사 종류" in page and article.headline in page
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(article.pk),
        "form-0-kind": "opinion",
        "_save": "저장",
    }
    assert client.post(changelist, data).status_code == 302
    article.refresh_from_db()
    assert article.kind == "opinion" and article.kind_confirmed
    page = client.get(reverse("admin:prism_readertype_changelist")).content.decode()
    assert "allow_opinion" in page


def test_schedule_still_works_from_the_action_bar(client, generated, chief):
    briefing = generated(status=S.APPROVED, approved_version=1)
    client.force_login(chief)
    later = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data = form_data(
        client, briefing, _prism="workflow:schedule", _prism_publish_at=later
    )
    assert client.post(url("change", briefing.pk), data).status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == S.SCHEDULED


def test_regenerate_one_reader_type_asks_before_replacing_a_persons_draft(
    client, sample_edition, reader_type, editor, chief
):
    from prism.services.generation import briefing_generate

    outcome = briefing_generate(
        reader_type=reader_type, edition_date=sample_edition.edition_date
    )
    briefing = outcome.briefing
    client.force_login(editor)
    data = form_data(client, briefing, lead="사람이 쓴 리드.")
    client.post(url("change", briefing.pk), data)
    briefing.refresh_from_db()
    assert briefing.human_edited
    response = client.post(
        url("change", briefing.pk), form_data(client, briefing, _prism="regenerate")
    )
    assert response.status_code == 200
    assert "사람이 고친 초안 전체" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.lead == "사람이 쓴 리드."
    data = form_data(client, briefing, _prism="regenerate!overwrite")
    assert client.post(url("change", briefing.pk), data).status_code == 302
    briefing.refresh_from_db()
    assert briefing.lead != "사람이 쓴 리드."
    assert not briefing.human_edited
    assert briefing.items.count() == 6
    revision = briefing.revisions.latest("number")
    assert revision.kind == "generated" and revision.author == editor
    assert revision.provenance["pool_size"] > 0
    # Only drafts are regenerated.
    workflow.briefing_submit_for_review(briefing=briefing, user=editor)
    client.force_login(chief)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert 'value="regenerate"' not in page


def test_someone_else_with_the_draft_open_is_announced_and_expires(
    client, generated, make_role_user, monkeypatch
):
    from django.core.cache import cache

    from prism.services import presence

    cache.clear()  # presence of earlier tests' users (same ids) must not show here
    briefing = generated()
    first, second = make_role_user("editor"), make_role_user("editor")
    client.force_login(first)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert "열어 두었습니다" not in page
    client.force_login(second)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert f"{first.username}님도 지금 이 브리핑을 열어 두었습니다" in page
    ping = client.post(url("presence", briefing.pk))
    assert ping.json()["others"] == [first.username]
    # The notice expires without pings …
    later = presence.time.time() + presence.PRESENCE_SECONDS + 1
    monkeypatch.setattr(presence.time, "time", lambda: later)
    assert client.post(url("presence", briefing.pk)).json()["others"] == []
    # … and leaving ends it at once.
    client.force_login(first)
    client.post(url("presence", briefing.pk))
    client.post(url("presence", briefing.pk), {"leave": "1"})
    client.force_login(second)
    assert client.post(url("presence", briefing.pk)).json()["message"] == ""
    assert client.get(url("presence", briefing.pk)).status_code == 405
    client.logout()
    assert client.post(url("presence", briefing.pk)).status_code == 302


def test_ai_rewrite_buttons_appear_only_with_a_composer(
    client, generated, editor, settings
):
    briefing = generated()
    client.force_login(editor)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert "prism-ai-rewrite" not in page
    settings.PRISM = {**getattr(settings, "PRISM", {}), "COMPOSER_BACKEND": "openai"}
    workflow.briefing_save_edit(
        briefing=briefing, user=editor, data={"lead": "사람 리드."}, base_version=1
    )
    page = client.get(url("change", briefing.pk)).content.decode()
    rewrite = url("rewrite", briefing.pk)
    assert f'formaction="{rewrite}" name="part" value="lead" data-edited="1"' in page
    assert f'formaction="{rewrite}" name="part" value="item:1">' in page
    assert f'formaction="{rewrite}" name="part" value="section:2">' in page
    assert client.get(rewrite).status_code == 405


def test_filter_titles_are_plain_korean(client, generated, editor):
    generated()
    client.force_login(editor)
    page = client.get(url("changelist")).content.decode()
    assert "(으)로" not in page
    assert "<summary>상태</summary>" in page


@pytest.mark.parametrize(
    "step",
    ["up:abc", "down:", "remove:1.5", "recompose:section:x", "recompose:body",
     "pick:zzz", "regenerate:1", "workflow:nonsense", "teleport:1"],
)  # fmt: skip
def test_a_malformed_button_value_is_a_message_not_a_500(
    client, generated, editor, step
):
    briefing = generated()
    client.force_login(editor)
    data = form_data(client, briefing, lead="남겨 둘 리드.", _prism=step)
    response = client.post(url("change", briefing.pk), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "알 수 없는 동작입니다" in page
    assert "남겨 둘 리드." in page
    briefing.refresh_from_db()
    assert briefing.version == 1


def test_new_views_refuse_staff_without_permissions(client, generated):
    briefing = generated()
    staff = get_user_model().objects.create_user("plain", password="x", is_staff=True)
    client.force_login(staff)
    for name in ("presence", "rewrite", "item_choose"):
        assert client.post(url(name, briefing.pk)).status_code == 403, name
    assert client.get(url("item_pick", briefing.pk)).status_code == 403
    desk = client.get(reverse("admin:index"))
    assert desk.status_code == 200
    assert briefing.headline not in desk.content.decode()  # no draft leaks
    assert "브리핑을 볼 권한이 없습니다" in desk.content.decode()


def test_related_articles_are_chosen_with_an_autocomplete(
    client, generated, editor, make_article
):
    briefing = generated()
    related = make_article(headline="관련기사로 넣을 수출 기사")
    client.force_login(editor)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in page
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "prism",
            "model_name": "briefingitem",
            "field_name": "related_articles",
            "term": "관련기사로 넣을",
        },
    ).json()
    assert [r["id"] for r in found["results"]] == [str(related.pk)]
    data = form_data(client, briefing)
    data["items-0-related_articles"] = str(related.pk)
    assert client.post(url("change", briefing.pk), data).status_code == 302
    assert list(briefing.items.get(rank=1).related_articles.all()) == [related]


def test_a_chief_starts_a_missing_draft_from_the_desk(
    client, editor, chief, reader_type, task_queue
):
    start = url("desk_generate")
    client.force_login(editor)
    assert (
        "prism-desk-generate" not in client.get(reverse("admin:index")).content.decode()
    )
    assert client.post(start, {"reader_type": reader_type.pk}).status_code == 403
    client.force_login(chief)
    assert "prism-desk-generate" in client.get(reverse("admin:index")).content.decode()
    response = client.post(start, {"reader_type": reader_type.pk}, follow=True)
    assert any("CEO 초안 생성을 시작했습니다" in m for m in messages_of(response))
    run = GenerationRun.objects.get()
    assert list(run.progress) == [reader_type.slug] or len(run.progress) == 1
    assert run.requested_by == chief
    bad = client.post(start, {"reader_type": "x"}, follow=True)
    assert "독자 유형을 찾을 수 없습니다" in " ".join(messages_of(bad))


def test_buttons_on_a_read_only_briefing_post_their_own_forms(client, generated, chief):
    briefing = generated(status=S.SPIKED)
    client.force_login(chief)
    page = client.get(url("change", briefing.pk)).content.decode()
    assert 'name="lead"' not in page
    assert 'form="prism-t-restore"' in page
    assert f'action="{url("transition", briefing.pk, "restore")}"' in page
    response = client.post(url("transition", briefing.pk, "restore"), {"version": 1})
    assert response.status_code == 302
    briefing.refresh_from_db()
    assert briefing.status == S.DRAFT


def test_a_missing_briefing_is_said_in_plain_korean(client, editor):
    client.force_login(editor)
    response = client.get("/admin/prism/briefing/999999/change/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "찾는 브리핑이(가) 없습니다" in page
    assert "지닌" not in page and "/가 존재하지" not in page
