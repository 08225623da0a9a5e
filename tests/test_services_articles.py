"""articles_import: storing parsed articles, duplicates, near-duplicates, atomicity;
articles_import_records (a CMS push) and article_update (an editor's correction)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from prism.ingest import ParsedArticle, ParseResult, RejectedRecord, parse_path
from prism.ingest.base import RecordError
from prism.ingest.dedup import content_hash
from prism.models import Article, AuditEvent
from prism.services.articles import (
    ImportInterrupted,
    RecordsRejected,
    after_import,
    article_update,
    articles_import,
    articles_import_records,
)
from tests.helpers.triggers import drop_failing_trigger, install_failing_trigger

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
BODY = (
    "한국은행 금융통화위원회가 기준금리를 연 3.0%로 동결했다. 금통위는 소비자물가 "
    "상승률이 목표 수준에 가까워지고 있지만 환율 변동성이 커 추가 인하 여부를 "
    "판단하기 이르다고 설명했다. 시장에서는 4분기 인하 가능성을 점치고 있다. "
    "가계부채 증가세도 변수로 꼽힌다. 부동산 시장의 거래량이 다시 늘면서 주택담보"
    "대출 잔액이 석 달 연속 증가했다. 한은은 다음 회의에서 물가와 성장 경로를 "
    "다시 점검하겠다고 밝혔다."
)


def article(**fields) -> ParsedArticle:
    values = {
        "headline": "한은, 기준금리 동결",
        "body_raw": BODY,
        "body": BODY,
        "published_at": dt.datetime(2025, 7, 24, 10, 30, tzinfo=SEOUL),
        "location": "record 1",
    }
    values.update(fields)
    return ParsedArticle(**values)


def result_of(*articles: ParsedArticle, rejected=()) -> ParseResult:
    return ParseResult(format="json", articles=list(articles), rejected=list(rejected))


def test_import_creates_articles_with_every_field(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "articles.jsonl"))
    report = articles_import(result=result, source="기본출처")
    assert (report.created, report.updated, report.duplicates) == (2, 0, 0)
    assert len(report.article_ids) == 2
    stored = Article.objects.get(external_id="A-1002")
    assert stored.source == "기본출처"  # the record had none
    assert stored.byline == "한지민 기자"
    assert stored.body_raw.startswith("[이데일리 한지민 기자]")
    assert stored.body.startswith("정부가")
    assert stored.content_hash == content_hash(stored.body)
    assert stored.published_at == dt.datetime(2025, 7, 22, 11, 20, tzinfo=SEOUL)
    assert Article.objects.get(external_id="A-1001").source == "예시경제"


def test_rejected_records_are_carried_into_the_report(ingest_fixtures):
    result = parse_path(str(ingest_fixtures / "articles.jsonl"))
    report = articles_import(result=result)
    assert [r.location for r in report.rejected] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
    ]


def test_reimport_creates_nothing_new(ingest_fixtures):
    for name in ("articles.jsonl", "articles.json", "articles.csv", "feed_rss.xml"):
        articles_import(result=parse_path(str(ingest_fixtures / name)))
    count = Article.objects.count()
    for name in ("articles.jsonl", "articles.json", "articles.csv", "feed_rss.xml"):
        report = articles_import(result=parse_path(str(ingest_fixtures / name)))
        assert (report.created, report.updated) == (0, 0)
        assert report.duplicates == len(
            parse_path(str(ingest_fixtures / name)).articles
        )
        assert report.article_ids == []
    assert Article.objects.count() == count


def test_same_url_with_new_text_updates_the_article():
    articles_import(result=result_of(article(url="https://news.example.com/1")))
    changed = BODY.replace("3.0%", "3.25%")
    report = articles_import(
        result=result_of(
            article(url="https://news.example.com/1", headline="새 제목", body=changed)
        )
    )
    assert (report.created, report.updated) == (0, 1)
    stored = Article.objects.get()
    assert stored.headline == "새 제목"
    assert stored.body == changed
    assert stored.content_hash == content_hash(changed)
    assert report.article_ids == [stored.pk]


def test_same_source_and_external_id_is_the_same_article():
    articles_import(result=result_of(article(source="예시", external_id="7")))
    report = articles_import(
        result=result_of(article(source="예시", external_id="7", section="경제"))
    )
    assert (report.created, report.updated) == (0, 1)
    assert Article.objects.get().section == "경제"


def test_same_text_without_identity_is_a_duplicate_that_fills_blanks():
    articles_import(result=result_of(article()))
    report = articles_import(result=result_of(article(headline="다른 제목")))
    assert (report.created, report.updated, report.duplicates) == (0, 0, 1)
    report = articles_import(
        result=result_of(article(url="https://news.example.com/9", byline="김기자"))
    )
    assert (report.created, report.updated) == (0, 1)
    stored = Article.objects.get()
    assert stored.headline == "한은, 기준금리 동결"  # not overwritten
    assert (stored.url, stored.byline) == ("https://news.example.com/9", "김기자")


def test_duplicates_inside_one_batch():
    report = articles_import(result=result_of(article(), article(location="record 2")))
    assert (report.created, report.duplicates) == (1, 1)


def test_url_change_to_a_text_stored_elsewhere_is_not_applied():
    other = BODY.replace("동결했다", "인하했다")
    articles_import(
        result=result_of(article(url="https://a.example/1"), article(body=other))
    )
    report = articles_import(
        result=result_of(article(url="https://a.example/1", body=other))
    )
    assert (report.updated, report.duplicates) == (0, 1)
    assert Article.objects.get(url="https://a.example/1").body == BODY


def test_near_duplicate_is_imported_and_linked():
    edited = BODY.replace("이르다고", "아직 이르다고").replace("석 달", "3개월")
    later = dt.datetime(2025, 7, 24, 11, 30, tzinfo=SEOUL)
    report = articles_import(
        result=result_of(
            article(),
            article(body=edited, headline="금리 동결 (종합)", published_at=later),
        )
    )
    assert (report.created, report.near_duplicates) == (2, 1)
    original = Article.objects.get(headline="한은, 기준금리 동결")
    copy = Article.objects.get(headline="금리 동결 (종합)")
    assert copy.duplicate_of == original
    assert original.duplicate_of is None
    assert list(Article.objects.originals()) == [original]


def test_near_duplicate_of_an_article_stored_earlier():
    articles_import(result=result_of(article()))
    edited = BODY.replace("점치고", "보고")
    report = articles_import(result=result_of(article(body=edited)))
    assert report.near_duplicates == 1
    assert Article.objects.get(body=edited).duplicate_of.body == BODY


def test_near_duplicate_threshold_argument():
    edited = BODY.replace("점치고", "보고")
    report = articles_import(
        result=result_of(article(), article(body=edited)), threshold=1.01
    )
    assert report.near_duplicates == 0
    assert not Article.objects.filter(duplicate_of__isnull=False).exists()


def test_near_duplicates_only_within_the_time_window():
    articles_import(result=result_of(article()))
    edited = BODY.replace("점치고", "보고")
    a_year_later = dt.datetime(2026, 7, 24, 10, 30, tzinfo=SEOUL)
    report = articles_import(
        result=result_of(article(body=edited, published_at=a_year_later))
    )
    assert report.near_duplicates == 0


def test_progress_is_reported_per_record():
    calls = []
    articles_import(
        result=result_of(article(), article(body=BODY + " 추가 문장이다.")),
        on_progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 2), (2, 2)]


def test_after_import_hook_runs_on_commit_with_the_ids(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        report = articles_import(result=result_of(article()))
    assert len(callbacks) == 1
    assert callbacks[0].func is after_import
    assert callbacks[0].args == (report.article_ids,)
    callbacks[0]()  # the hook itself is a harmless no-op for now


def test_no_hook_when_nothing_changed(django_capture_on_commit_callbacks):
    articles_import(result=result_of(article()))
    with django_capture_on_commit_callbacks() as callbacks:
        articles_import(result=result_of(article()))
    assert callbacks == []


def test_database_error_rolls_the_whole_import_back():
    install_failing_trigger("터지는 기사")
    records = [
        article(),
        article(body=BODY + " 둘째 기사다.", headline="둘째"),
        article(body=BODY + " 셋째 기사다.", headline="터지는 기사"),
    ]
    with pytest.raises(DatabaseError):
        articles_import(result=result_of(*records))
    assert Article.objects.count() == 0


def numbered(count: int, fail_at: int | None = None) -> list[ParsedArticle]:
    """``count`` distinct articles; the one at ``fail_at`` trips the test trigger."""
    return [
        article(
            body=f"{BODY} 기사 번호 {n}번은 서로 다른 내용이다.",
            headline="터지는 기사" if n == fail_at else f"기사 {n}",
            url=f"https://example.com/{n}",
        )
        for n in range(count)
    ]


def test_batched_import_commits_each_batch_and_hooks_each_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        report = articles_import(result=result_of(*numbered(5)), batch_size=2)
    assert report.created == 5
    assert Article.objects.count() == 5
    # One summarization hook per committed batch: 2 + 2 + 1 articles.
    assert [len(callback.args[0]) for callback in callbacks] == [2, 2, 1]
    assert sorted(sum((c.args[0] for c in callbacks), [])) == sorted(report.article_ids)


def test_batched_import_counts_like_one_transaction():
    records = [*numbered(3), article(url="https://example.com/0")]
    single = articles_import(result=result_of(*records))
    Article.objects.all().delete()
    batched = articles_import(result=result_of(*records), batch_size=1)
    assert dataclasses.astuple(single)[:4] == dataclasses.astuple(batched)[:4]


def test_database_error_in_a_batch_keeps_the_earlier_batches_whole():
    install_failing_trigger("터지는 기사")
    records = numbered(5, fail_at=3)
    with pytest.raises(ImportInterrupted) as caught:
        articles_import(result=result_of(*records), batch_size=2)
    stop = caught.value
    assert isinstance(stop.error, DatabaseError)
    assert "refused by test trigger" in str(stop)
    # The first batch (0, 1) is stored; nothing of the failing batch (2, 3) is.
    assert stop.stored == 2
    assert stop.report.created == 2
    assert sorted(Article.objects.values_list("headline", flat=True)) == [
        "기사 0",
        "기사 1",
    ]
    assert sorted(stop.report.article_ids) == sorted(
        Article.objects.values_list("pk", flat=True)
    )


def test_importing_again_after_an_interruption_stores_only_the_rest():
    install_failing_trigger("터지는 기사")
    records = numbered(5, fail_at=3)
    with pytest.raises(ImportInterrupted):
        articles_import(result=result_of(*records), batch_size=2)
    drop_failing_trigger()
    report = articles_import(result=result_of(*records), batch_size=2)
    assert (report.created, report.duplicates) == (3, 2)
    assert Article.objects.count() == 5


def test_report_keeps_parse_rejections_even_without_articles():
    rejected = [RejectedRecord(location="line 1", reason="body(본문)가 비어 있습니다")]
    report = articles_import(result=dataclasses.replace(result_of(), rejected=rejected))
    assert report.rejected == rejected
    assert report.created == 0


def test_an_earlier_copy_imported_later_becomes_the_original():
    """A print copy dated after the web original must not swallow the story."""
    edited = BODY.replace("점치고", "보고")
    print_copy = dt.datetime(2025, 7, 25, 0, 0, tzinfo=SEOUL)
    articles_import(result=result_of(article(body=edited, published_at=print_copy)))
    report = articles_import(result=result_of(article()))
    assert (report.created, report.near_duplicates) == (1, 0)
    web = Article.objects.get(published_at__lt=print_copy)
    assert web.duplicate_of is None
    assert Article.objects.get(published_at=print_copy).duplicate_of == web
    assert list(Article.objects.originals()) == [web]


def test_among_copies_at_one_time_the_fullest_is_the_original():
    fuller = BODY + " 다음 회의는 8월 말에 열린다."
    articles_import(
        result=result_of(article(), article(body=fuller, headline="금리 동결 (종합)"))
    )
    assert Article.objects.originals().get().headline == "금리 동결 (종합)"


def test_undated_records_get_the_given_time_marked_estimated():
    morning = dt.datetime(2025, 4, 15, 5, 0, tzinfo=SEOUL)
    articles_import(result=result_of(article(published_at=None)), undated_at=morning)
    stored = Article.objects.get()
    assert stored.published_at == morning
    assert stored.published_at_estimated
    # Importing the same record again later keeps its first (estimated) date.
    report = articles_import(result=result_of(article(published_at=None)))
    assert report.created == 0
    assert Article.objects.get().published_at == morning


def test_import_classifies_and_keeps_an_editors_kind():
    column = article(
        headline="[여명] AI혁명의 대유행", url="https://a.example/c", kind="opinion"
    )
    articles_import(result=result_of(column))
    stored = Article.objects.get()
    assert stored.kind == Article.Kind.OPINION
    stored.kind, stored.kind_confirmed = Article.Kind.ANALYSIS, True
    stored.save()
    articles_import(
        result=result_of(
            article(
                headline="[여명] AI혁명의 대유행 (수정)",
                url="https://a.example/c",
                kind="opinion",
            )
        )
    )
    assert Article.objects.get().kind == Article.Kind.ANALYSIS


# ---------------------------------------------------------- records pushed by a CMS


def test_pushed_records_are_cleaned_and_stored_like_an_import():
    records = [
        {"headline": "한은, 기준금리 동결", "body": BODY, "id": "cms-1"},
        {"title": "수출 석 달째 증가", "content": BODY + " 수출이 늘었다."},
    ]
    report = articles_import_records(records=records, source="api:cms")
    assert (report.created, report.duplicates) == (2, 0)
    assert set(Article.objects.values_list("source", flat=True)) == {"api:cms"}
    again = articles_import_records(records=records, source="api:cms")
    assert (again.created, again.duplicates) == (0, 2)


def test_one_bad_pushed_record_stores_none_and_names_every_bad_one():
    def refuse_long_ids(record):
        if len(record.get("id", "")) > 5:
            raise RecordError("id: 너무 깁니다")
        return record

    records = [
        {"headline": "정상 기사", "body": BODY},
        {"headline": "", "body": BODY + " 둘째."},
        {"headline": "긴 ID", "body": BODY + " 셋째.", "id": "too-long-id"},
    ]
    with pytest.raises(RecordsRejected) as rejected:
        articles_import_records(records=records, source="api", check=refuse_long_ids)
    assert [index for index, _ in rejected.value.problems] == [1, 2]
    assert "headline" in rejected.value.problems[0][1]
    assert rejected.value.problems[1][1] == "id: 너무 깁니다"
    assert Article.objects.count() == 0


# ------------------------------------------------------------ an editor's correction


def test_a_corrected_body_is_rehashed_audited_and_summarized_again(
    make_article, admin_user, django_capture_on_commit_callbacks
):
    stored = make_article(headline="수출 석 달째 증가")
    stored.body += " 반도체가 증가를 이끌었다."
    with django_capture_on_commit_callbacks() as callbacks:
        article_update(article=stored, user=admin_user)
    stored.refresh_from_db()
    assert stored.content_hash == content_hash(stored.body)
    assert [(c.func, c.args) for c in callbacks] == [(after_import, ([stored.pk],))]
    event = AuditEvent.objects.get(action="article_edited")
    assert event.actor == admin_user and event.briefing is None
    assert event.data == {"article": stored.pk, "created": False, "fields": ["body"]}


def test_a_changed_kind_is_the_editors_and_needs_no_new_summary(
    make_article, django_capture_on_commit_callbacks
):
    stored = make_article()
    old_hash = stored.content_hash
    stored.kind = Article.Kind.OPINION
    with django_capture_on_commit_callbacks() as callbacks:
        article_update(article=stored, user=None)
    stored.refresh_from_db()
    assert stored.kind_confirmed and stored.content_hash == old_hash
    assert callbacks == []


def test_a_new_article_is_hashed_and_summarized(django_capture_on_commit_callbacks):
    new = Article(headline="새 기사", body=BODY, body_raw=BODY)
    with django_capture_on_commit_callbacks() as callbacks:
        article_update(article=new, user=None)
    assert Article.objects.get().content_hash == content_hash(BODY)
    assert len(callbacks) == 1 and callbacks[0].args == ([new.pk],)


def test_a_body_stored_as_another_article_is_refused(make_article):
    first = make_article(headline="원래 기사", body=BODY)
    first.content_hash = content_hash(BODY)
    first.save()
    second = make_article(headline="다른 기사")
    second.body = BODY
    with pytest.raises(ValidationError, match="같은 본문의 기사가 이미 있습니다"):
        article_update(article=second, user=None)
    second.refresh_from_db()
    assert second.body != BODY
    assert not AuditEvent.objects.exists()
