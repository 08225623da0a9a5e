"""Selection: six distinct, non-duplicate articles per reader type, by its interests."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from prism.models import Article, Briefing, BriefingItem, ReaderType
from prism.nlp.ranking import STORY_SIMILARITY
from prism.services.pool import CandidatePool, EditionWindow
from prism.services.selection import (
    PACKAGE_REDUNDANCY,
    RELATED_TOPIC,
    _redundancy,
    briefing_select,
    candidate_pool,
    edition_cutoff,
    edition_window,
    matched_keywords,
    same_package,
)

KST = dt.timezone(dt.timedelta(hours=9))

# Lightly rewritten copies in the sample corpus (see prism/sample_data/README.md).
NEAR_DUPLICATE_PAIRS = [
    ("prism-2026-022", "prism-2026-023"),
    ("prism-2026-024", "prism-2026-025"),
    ("prism-2026-037", "prism-2026-038"),
]


def test_edition_window_ends_at_the_morning_cutoff_for_a_past_edition(settings):
    edition = dt.date(2026, 11, 20)
    now = dt.datetime(2026, 11, 22, 15, 0, tzinfo=KST)
    window = edition_window(edition, now=now)
    assert window.end == dt.datetime(2026, 11, 20, 6, 0, tzinfo=KST)
    assert window.start == dt.datetime(2026, 11, 18, 18, 0, tzinfo=KST)


def test_edition_window_takes_in_the_day_so_far_when_generated_that_day():
    edition = dt.date(2026, 11, 20)
    morning = dt.datetime(2026, 11, 20, 6, 1, tzinfo=KST)
    noon = dt.datetime(2026, 11, 20, 12, 0, tzinfo=KST)
    early = dt.datetime(2026, 11, 20, 5, 0, tzinfo=KST)
    assert edition_cutoff(edition, now=morning) == morning
    assert edition_cutoff(edition, now=noon) == noon
    # Ahead of the scheduled time the edition is still cut off at 06:00.
    assert edition_cutoff(edition, now=early) == dt.datetime(
        2026, 11, 20, 6, 0, tzinfo=KST
    )


def test_edition_window_follows_the_settings(settings):
    settings.PRISM = {
        **settings.PRISM,
        "CANDIDATE_WINDOW_HOURS": 24,
        "GENERATION_TIME": "07:30",
    }
    window = edition_window(
        dt.date(2026, 11, 20), now=dt.datetime(2026, 12, 1, tzinfo=KST)
    )
    assert window.end == dt.datetime(2026, 11, 20, 7, 30, tzinfo=KST)
    assert window.hours == 24


@pytest.fixture
def reader_types(sample_edition):
    return list(ReaderType.objects.filter(is_active=True))


def select(slug: str, edition: dt.date):
    return briefing_select(
        reader_type=ReaderType.objects.get(slug=slug), edition_date=edition
    )


def test_every_reader_type_gets_six_distinct_articles(sample_edition, reader_types):
    for reader_type in reader_types:
        selection = briefing_select(
            reader_type=reader_type, edition_date=sample_edition.edition_date
        )
        ids = [item.article.pk for item in selection.items]
        assert len(ids) == 6, reader_type.slug
        assert len(set(ids)) == 6
        assert [item.rank for item in selection.items] == [1, 2, 3, 4, 5, 6]
        assert [item.group for item in selection.items] == ["interest"] * 3 + [
            "reference"
        ] * 3
        assert not selection.notes or "부족" not in " ".join(selection.notes)


def test_selection_never_contains_near_duplicates(sample_edition, reader_types):
    ids = dict(Article.objects.values_list("external_id", "pk"))
    for reader_type in reader_types:
        selection = briefing_select(
            reader_type=reader_type, edition_date=sample_edition.edition_date
        )
        chosen = {item.article.pk for item in selection.items}
        assert all(item.article.duplicate_of_id is None for item in selection.items)
        for first, second in NEAR_DUPLICATE_PAIRS:
            assert not {ids[first], ids[second]} <= chosen, reader_type.slug
        pool = selection.pool
        rows = {a.pk: row for row, a in enumerate(pool.articles)}
        for a, b in itertools.combinations(chosen, 2):
            assert rows[b] not in pool.neighbors[rows[a]], "same story twice"


def test_candidates_come_from_the_window_with_usable_bodies(sample_edition):
    edition = sample_edition.edition_date
    pool = candidate_pool(edition)
    window = edition_window(edition)
    assert len(pool) >= 20
    for article in pool.articles:
        assert window.start <= article.published_at < window.end
        assert article.duplicate_of_id is None
        assert len(article.body) >= 200


def test_interest_items_follow_the_reader_types_interests(sample_edition):
    edition = sample_edition.edition_date
    investor = select("retail-investor", edition)
    # The 개인 투자자 briefing's interest news is market and finance coverage.
    assert {i.article.section for i in investor.interest_items} <= {"증권", "경제·금융"}
    for item in investor.interest_items:
        assert item.matched_keywords, item.article.headline
        assert item.components["relevance"] > 0.3
    home_buyer = select("home-buyer", edition)
    assert {i.article.section for i in home_buyer.interest_items} == {"부동산"}


def test_interest_items_are_more_relevant_than_reference_items(sample_edition):
    selection = select("ceo", sample_edition.edition_date)
    interest = [i.components["relevance"] for i in selection.interest_items]
    reference = [i.components["relevance"] for i in selection.reference_items]
    assert min(interest) >= max(reference) - 0.25
    assert sum(interest) / 3 > sum(reference) / 3


def test_different_reader_types_get_different_selections(sample_edition):
    edition = sample_edition.edition_date
    ceo = {i.article.pk for i in select("ceo", edition).interest_items}
    student = {i.article.pk for i in select("job-seeker", edition).interest_items}
    # One story may matter to both (a chipmaker hiring 1,200 engineers), no more.
    assert len(ceo & student) <= 1
    all_selections = {
        tuple(sorted(i.article.pk for i in select(rt.slug, edition).items))
        for rt in ReaderType.objects.all()
    }
    assert len(all_selections) >= 12


def test_each_item_records_why_it_was_chosen(sample_edition):
    selection = select("startup-founder", sample_edition.edition_date)
    for item in selection.items:
        reason = item.selection_reason
        assert set(reason["components"]) == {
            "relevance",
            "section",
            "recency",
            "importance",
        }
        assert all(0.0 <= v <= 1.0 for v in reason["components"].values())
        assert reason["group"] == item.group
        assert reason["score"] == pytest.approx(item.score, abs=1e-3)
    top = selection.items[0]
    assert top.selection_reason["matched_keywords"]
    assert all(
        keyword in ReaderType.objects.get(slug="startup-founder").interests
        for keyword in top.selection_reason["matched_keywords"]
    )


def story_article(make_article, headline: str, hours_ago: float, **fields):
    body = fields.pop(
        "body",
        "세진반도체가 북미 빅테크와 4조 8000억 원 규모의 HBM4 공급 계약을 맺었다. "
        "세진반도체는 청주 공장에 3조 원을 들여 후공정 라인을 증설한다. "
        "협력사 40여 곳도 수혜를 볼 전망이다. 회사는 엔지니어 1200명을 채용한다. "
        "업계는 HBM4 12단 제품의 첫 대형 계약으로 평가했다. " * 2,
    )
    now = timezone.now()
    return make_article(
        headline=headline,
        body=body,
        section=fields.pop("section", "산업"),
        published_at=now - dt.timedelta(hours=hours_ago),
        **fields,
    )


def test_same_story_articles_become_related_articles(make_article, reader_type):
    main = story_article(make_article, "세진반도체, HBM4 4.8조 공급 계약", 3)
    follow = story_article(
        make_article,
        "HBM4 계약 세진반도체, 엔지니어 1200명 채용",
        2,
        body=(
            "HBM4 공급 계약을 따낸 세진반도체가 엔지니어 1200명 채용에 나선다. "
            "세진반도체는 청주 공장 후공정 라인 증설에 맞춰 인력을 뽑는다. "
            "협력사 40여 곳도 인력 확보에 비상이 걸렸다. 북미 빅테크와 맺은 4조 "
            "8000억 원 규모 계약의 후속 조치다. 업계는 구인 경쟁을 우려한다. "
        )
        * 2,
    )
    for number in range(6):
        make_article(
            headline=f"다른 뉴스 {number}",
            body=(
                f"{number}번째 다른 소식이다. 정부가 새 제도를 발표했다. "
                f"지역 {number}곳에서 시범사업을 벌인다. 예산은 {number + 1}조 원이다. "
            )
            * 4,
            published_at=timezone.now() - dt.timedelta(hours=4 + number),
        )
    now = timezone.now()
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(now), now=now
    )
    chosen = [item.article.pk for item in selection.items]
    assert (main.pk in chosen) != (follow.pk in chosen), "one story, one item"
    item = next(i for i in selection.items if i.article.pk in {main.pk, follow.pk})
    other = follow if item.article.pk == main.pk else main
    assert [a.pk for a in item.related] == [other.pk]
    assert item.selection_reason["related_article_ids"] == [other.pk]


def tariff_articles(make_article, now: dt.datetime, count: int) -> None:
    """``count`` different tariff articles of the last hours."""
    for number in range(count):
        make_article(
            headline=f"관세 뉴스 {number}",
            body=(
                f"미국이 {number + 1}번째 품목 관세를 발표했다. 수출기업의 부담이 "
                "커졌다. 정부는 지원책을 내놓았다. 환율도 올랐다. "
            )
            * 4,
            published_at=now - dt.timedelta(hours=1 + number),
        )


def test_too_few_candidates_are_used_as_they_are_and_noted(make_article, reader_type):
    now = timezone.now()
    tariff_articles(make_article, now, 2)
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(now), now=now
    )
    assert len(selection.items) == 2
    assert len({i.article.pk for i in selection.items}) == 2
    assert not selection.skipped_reason
    assert any("부족" in note for note in selection.notes)


def test_main_interests_no_candidate_mentions_are_noted(make_article, db):
    now = timezone.now()
    reader_type = ReaderType.objects.create(
        name="시험 독자",
        slug="test-reader",
        interests={"청약": 3.0, "전세": 2.5, "관세": 2.0, "수출": 1.0},
    )
    tariff_articles(make_article, now, 3)
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(now), now=now
    )
    # The pool, not the choice, left the two heaviest interests out.
    assert any(
        "주요 관심사 ‘청약’, ‘전세’를 다룬 기사가 없습니다" in note
        for note in selection.notes
    ), selection.notes
    # One missing interest is no news.
    reader_type.interests = {"청약": 3.0, "관세": 2.0}
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(now), now=now
    )
    assert not any("주요 관심사" in note for note in selection.notes)


def test_no_candidates_skip_with_a_reason(make_article, reader_type):
    now = timezone.now()
    make_article(headline="짧은 기사", body="너무 짧다.", published_at=now)
    make_article(
        headline="오래된 기사",
        body="오래전 기사 본문이다. " * 40,
        published_at=now - dt.timedelta(days=10),  # beyond the widest window
    )
    selection = briefing_select(
        reader_type=reader_type, edition_date=timezone.localdate(now), now=now
    )
    assert selection.items == []
    assert "후보 기사가 없습니다" in selection.skipped_reason


def test_articles_in_recent_editions_are_not_repeated(
    sample_edition, make_briefing, reader_type
):
    edition = sample_edition.edition_date
    first = select("ceo", edition)
    yesterday = make_briefing(edition_date=edition - dt.timedelta(days=1))
    top = first.items[0].article
    BriefingItem.objects.filter(briefing=yesterday, rank=1).update(article=top)
    second = select("ceo", edition)
    assert top.pk not in {i.article.pk for i in second.items}
    assert any("최근" in note for note in second.notes)
    # A spiked edition does not count.
    Briefing.objects.filter(pk=yesterday.pk).update(status="spiked")
    assert top.pk in {i.article.pk for i in select("ceo", edition).items}


def test_selection_weights_come_from_settings(sample_edition, settings):
    edition = sample_edition.edition_date
    settings.PRISM = {
        **settings.PRISM,
        "SELECTION_WEIGHTS": {
            "relevance": 0.0,
            "section": 0.0,
            "recency": 1.0,
            "importance": 0.0,
        },
    }
    selection = select("ceo", edition)
    recency = [i.components["recency"] for i in selection.interest_items]
    pool = selection.pool
    newest = sorted(
        (a.published_at for a in pool.articles), reverse=True
    )  # the three picks are among the newest stories
    assert min(i.article.published_at for i in selection.interest_items) >= newest[8]
    assert recency == sorted(recency, reverse=True)


# ----------------------------------------------------- stored index (made at import)


class NoTokenizer:
    """Stands where a tokenizer would be called: the test fails if it is."""

    def pos(self, text: str):
        raise AssertionError(f"tokenized again: {text[:30]!r}")


def fresh(article: Article) -> Article:
    from prism.services.selection import clear_caches

    clear_caches()  # what a new worker process starts with
    return Article.objects.get(pk=article.pk)


def test_the_index_is_stored_once_and_then_read_instead_of_tokenizing(
    make_article,
):
    from prism.services.selection import article_terms, articles_index

    article = make_article(headline="반도체 수출 석 달째 증가")
    made_now = article_terms(fresh(article))
    assert articles_index(article_ids=[article.pk]) == 1
    assert articles_index(article_ids=[article.pk]) == 0  # already current
    stored = fresh(article)
    assert stored.index_terms["terms"] == dict(made_now.terms)
    assert "반도체" in stored.index_terms["terms"]
    from_store = article_terms(stored, NoTokenizer())
    assert from_store == made_now
    # An index is not an edit: the article's change time is untouched.
    assert stored.updated_at == article.updated_at


def test_a_stale_index_is_made_again(make_article, settings):
    from prism.ingest import content_hash
    from prism.services.selection import article_terms, articles_index

    article = make_article(headline="반도체 수출 석 달째 증가")
    articles_index(article_ids=[article.pk])
    changed = fresh(article)
    changed.body = changed.body + " 조선업 수주도 늘었다."
    changed.content_hash = content_hash(changed.body)
    changed.save()
    with pytest.raises(AssertionError, match="tokenized again"):
        article_terms(fresh(changed), NoTokenizer())  # new text: the key differs
    assert articles_index(article_ids=[article.pk]) == 1
    assert article_terms(fresh(changed), NoTokenizer()).terms
    settings.PRISM = {**settings.PRISM, "TOKENIZER": "komoran"}
    with pytest.raises(AssertionError, match="tokenized again"):
        article_terms(fresh(changed), NoTokenizer())  # another tokenizer's nouns


def test_selection_is_the_same_with_stored_and_fresh_indexes(
    sample_edition, reader_types
):
    from prism.services.selection import articles_index, clear_caches

    def selections() -> list[list[int]]:
        clear_caches()
        return [
            [
                item.article.pk
                for item in briefing_select(
                    reader_type=reader_type, edition_date=sample_edition.edition_date
                ).items
            ]
            for reader_type in reader_types
        ]

    fresh_selections = selections()
    ids = list(Article.objects.values_list("pk", flat=True))
    assert articles_index(article_ids=ids) == len(ids)
    assert selections() == fresh_selections


def test_index_task_after_import(make_article):
    from prism import tasks

    articles = [make_article() for _ in range(3)]
    assert tasks.index_articles([a.pk for a in articles]) == 3
    assert all(
        a.index_terms for a in Article.objects.filter(pk__in=[a.pk for a in articles])
    )


def test_roles_and_glosses_are_no_interest_match():
    interests = {"창업": 2.0, "경영": 1.0, "관세": 1.0}
    person = Article(
        headline="베이징만 1100명인데…韓 AI 교사 0명",
        body="특수반은 미래의 량원펑(딥시크 창업자)을 길러낸다. "
        "화웨이 최고경영자가 직접 강의한다.",
    )
    assert matched_keywords(person, interests) == []
    topic = Article(
        headline="청년 창업 지원 늘린다",
        body="정부가 창업 기업의 경영 자금을 지원하고 상호관세 피해도 살핀다.",
    )
    assert matched_keywords(topic, interests) == ["창업", "경영", "관세"]


def test_parts_of_one_desk_package_count_as_one_topic(make_article):
    now = timezone.now()
    stories = [
        "베이징시는 초중고 전문 교사 1100명을 양성한다. 칭화대 특수반이 천재를 "
        "키운다. 화웨이 임원이 강의하고 커리큘럼은 정규 과정에 들어갔다.",
        "조지타운대 보고서는 연구자 90%가 프로젝트 요소로 전문지식을 꼽았다고 전했다. "
        "추가 자금은 연구원 고용에 쓴다는 응답이 52%였다. 컴퓨팅은 20%였다.",
        "유럽연합은 반도체 보조금을 늘리고 공장 유치에 나섰다. 독일과 프랑스가 "
        "세액공제를 확대했고 네덜란드는 장비 수출을 통제한다.",
    ]
    parts = [
        make_article(
            headline=("베이징 전문교사 1100명", "美 연구자 90% 전문지식")[n],
            body=stories[n] + " 누리반.",
            section="경제·금융",
            published_at=now - dt.timedelta(minutes=30 + 8 * n),
        )
        for n in (0, 1)
    ]
    other_desk = make_article(
        headline="유럽 반도체 보조금",
        body=stories[2] + " 누리반.",
        section="국제",
        published_at=now - dt.timedelta(minutes=40),
    )
    filler = [
        make_article(
            headline=f"시장 기사 {n}",
            body=f"코스피가 {n}% 올랐다. 외국인이 순매수했다. 환율은 내렸다. " * 5,
        )
        for n in range(6)
    ]
    window = EditionWindow(start=now - dt.timedelta(days=1), end=now)
    pool = CandidatePool.build([*parts, other_desk, *filler], window)
    rows = {a.pk: row for row, a in enumerate(pool.articles)}
    a, b, c = (rows[x.pk] for x in (*parts, other_desk))
    # They share a few words, far too few to be one story ...
    assert 0 < pool.similarity(a, b) < STORY_SIMILARITY * PACKAGE_REDUNDANCY
    # ... yet published together by one desk they are parts of one package.
    assert _redundancy(pool, a, b) == PACKAGE_REDUNDANCY
    # Another desk's article counts only as much as its words do, beyond
    # what related topics share.
    share = pool.similarity(a, c) / STORY_SIMILARITY
    assert _redundancy(pool, a, c) == pytest.approx(
        max(0.0, (share - RELATED_TOPIC) / (1 - RELATED_TOPIC))
    )
    assert _redundancy(pool, a, c) < PACKAGE_REDUNDANCY


def test_same_package_needs_one_desk_and_one_moment():
    now = timezone.now()

    def article(pk, minutes, **fields):
        values = {"source": "서울경제", "section": "경제·금융"} | fields
        return Article(
            pk=pk, published_at=now - dt.timedelta(minutes=minutes), **values
        )

    assert same_package(article(1, 30), article(2, 42))
    assert not same_package(article(1, 30), article(2, 80))  # an hour apart
    assert not same_package(article(1, 30), article(2, 35, section="국제"))
    assert not same_package(article(1, 30), article(2, 35, source="이데일리"))
    assert not same_package(article(1, 30), article(2, 35, published_at_estimated=True))
    assert not same_package(article(1, 30), article(1, 30))  # itself
