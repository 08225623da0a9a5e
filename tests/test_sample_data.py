"""Checks on PRISM's bundled sample corpus and default reader types (no database)."""

import itertools
import json
import re
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "prism" / "sample_data"
ARTICLES_PATH = SAMPLE_DIR / "articles.jsonl"
READER_TYPES_PATH = SAMPLE_DIR / "reader_types.json"

REQUIRED_KEYS = {
    "id",
    "headline",
    "body",
    "section",
    "subsection",
    "published_at",
    "byline",
    "url",
    "source",
}
SECTIONS = {
    "경제·금융",
    "산업",
    "증권",
    "부동산",
    "국제",
    "IT·과학",
    "정책",
    "스타트업",
    "유통·소비",
}
REQUIRED_READER_TYPES = [
    ("ceo", "CEO"),
    ("startup-founder", "스타트업 창업자"),
    ("office-worker", "직장인"),
    ("new-employee", "신입 직장인"),
    ("job-seeker", "대학생·취업준비생"),
    ("retail-investor", "개인 투자자"),
    ("small-business", "자영업자·소상공인"),
    ("policy-maker", "공무원·정책 담당자"),
]
# Kept in step with README.md: (original, light rewrite).
NEAR_DUPLICATE_PAIRS = [
    ("prism-2026-022", "prism-2026-023"),
    ("prism-2026-024", "prism-2026-025"),
    ("prism-2026-037", "prism-2026-038"),
]
STORY_CLUSTERS = [
    ("prism-2026-017", "prism-2026-018", "prism-2026-019"),
    ("prism-2026-020", "prism-2026-021", "prism-2026-060"),
    ("prism-2026-030", "prism-2026-031"),
]
WINDOW_START = datetime.fromisoformat("2026-11-19T00:00:00+09:00")
WINDOW_END = datetime.fromisoformat("2026-11-20T23:59:59+09:00")
# A sentence ends in "다." or "요." followed by whitespace or the end of the body.
SENTENCE_END = re.compile(r"[다요]\.(?=\s|$)")


@cache
def load_articles() -> tuple[dict, ...]:
    """Parse articles.jsonl, one object per non-empty line."""
    lines = ARTICLES_PATH.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


@cache
def load_reader_types() -> tuple[dict, ...]:
    """Parse reader_types.json."""
    return tuple(json.loads(READER_TYPES_PATH.read_text(encoding="utf-8")))


def article_text(article: dict) -> str:
    """Headline and body together, as a matcher would see them."""
    return f"{article['headline']}\n{article['body']}"


def shingles(text: str, size: int = 5) -> set[str]:
    """Character n-grams of the text with whitespace removed."""
    compact = re.sub(r"\s+", "", text)
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


def jaccard(left: set[str], right: set[str]) -> float:
    """Jaccard similarity of two sets."""
    return len(left & right) / len(left | right)


def distinct_window_articles() -> list[dict]:
    """Articles in the two-day window, without the rewrite of each duplicate pair."""
    rewrites = {rewrite for _, rewrite in NEAR_DUPLICATE_PAIRS}
    return [
        article
        for article in load_articles()
        if article["id"] not in rewrites
        and WINDOW_START
        <= datetime.fromisoformat(article["published_at"])
        <= WINDOW_END
    ]


def top_articles(reader_type: dict, count: int = 6) -> list[dict]:
    """Rank window articles by keyword weight plus a preferred-section bonus."""

    def score(article: dict) -> float:
        text = article_text(article)
        keyword_score = sum(
            weight * min(text.count(keyword), 3)
            for keyword, weight in reader_type["interests"].items()
        )
        bonus = 3.0 if article["section"] in reader_type["preferred_sections"] else 0.0
        return keyword_score + bonus

    ranked = sorted(distinct_window_articles(), key=score, reverse=True)
    return ranked[:count]


def reader_type(slug: str) -> dict:
    """The reader type with the given slug."""
    return next(rt for rt in load_reader_types() if rt["slug"] == slug)


def test_every_line_is_a_json_object_with_required_keys():
    lines = ARTICLES_PATH.read_text(encoding="utf-8").splitlines()
    assert all(line.strip() for line in lines), "blank line in articles.jsonl"
    for line in lines:
        article = json.loads(line)
        assert isinstance(article, dict)
        assert set(article) == REQUIRED_KEYS, article.get("id")
        assert all(isinstance(article[key], str) and article[key] for key in article)


def test_corpus_is_large_enough_and_ids_and_urls_are_unique():
    articles = load_articles()
    assert len(articles) >= 48
    ids = [a["id"] for a in articles]
    urls = [a["url"] for a in articles]
    assert len(set(ids)) == len(ids)
    assert len(set(urls)) == len(urls)
    assert all(re.fullmatch(r"prism-2026-\d{3}", i) for i in ids)
    assert all(u.startswith("https://news.example.com/prism/") for u in urls)
    assert {a["source"] for a in articles} == {"PRISM 샘플"}


def test_all_nine_sections_are_used_and_nothing_else():
    sections = {a["section"] for a in load_articles()}
    assert sections == SECTIONS


def test_articles_span_three_consecutive_days_in_kst_daytime():
    dates = set()
    for article in load_articles():
        published = datetime.fromisoformat(article["published_at"])
        assert published.utcoffset() == timedelta(hours=9), article["id"]
        assert 5 <= published.hour < 23, article["id"]
        dates.add(published.date())
    assert sorted(dates) == [date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)]


def test_bodies_are_news_length_with_six_to_fourteen_sentences():
    for article in load_articles():
        body = article["body"]
        assert 500 <= len(body) <= 1500, (article["id"], len(body))
        sentences = len(SENTENCE_END.findall(body))
        assert 6 <= sentences <= 14, (article["id"], sentences)


def test_corpus_contains_bylines_and_captions_for_the_cleaner():
    articles = load_articles()
    byline = re.compile(r"\[PRISM 샘플 [^\]]*기자\]|기자 [\w.]+@example\.com")
    caption = re.compile(r"\(사진=|사진 제공=")
    with_byline = [a for a in articles if byline.search(a["body"])]
    with_caption = [a for a in articles if caption.search(a["body"])]
    assert len(articles) / 4 <= len(with_byline) <= len(articles) / 2
    assert len(with_caption) >= 3


def test_near_duplicate_pairs_are_close_and_nothing_else_is():
    articles = {a["id"]: a for a in load_articles()}
    grams = {aid: shingles(a["body"]) for aid, a in articles.items()}
    pairs = {frozenset(pair) for pair in NEAR_DUPLICATE_PAIRS}
    for original, rewrite in NEAR_DUPLICATE_PAIRS:
        assert articles[original]["headline"] != articles[rewrite]["headline"]
        assert jaccard(grams[original], grams[rewrite]) >= 0.6
    for left, right in itertools.combinations(grams, 2):
        if frozenset((left, right)) not in pairs:
            assert jaccard(grams[left], grams[right]) < 0.3, (left, right)


def test_story_clusters_are_distinct_articles_in_different_sections():
    articles = {a["id"]: a for a in load_articles()}
    for cluster in STORY_CLUSTERS:
        members = [articles[aid] for aid in cluster]
        assert len({a["section"] for a in members}) >= 2
        assert len({a["headline"] for a in members}) == len(members)
        for left, right in itertools.combinations(members, 2):
            similarity = jaccard(shingles(left["body"]), shingles(right["body"]))
            assert similarity < 0.3, (left["id"], right["id"])


def test_reader_types_are_valid_and_start_with_the_published_eight():
    reader_types = load_reader_types()
    assert 8 <= len(reader_types) <= 16
    slugs = [rt["slug"] for rt in reader_types]
    names = [rt["name"] for rt in reader_types]
    assert len(set(slugs)) == len(slugs)
    assert len(set(names)) == len(names)
    assert [(rt["slug"], rt["name"]) for rt in reader_types[:8]] == (
        REQUIRED_READER_TYPES
    )
    orderings = [rt["ordering"] for rt in reader_types]
    assert orderings == sorted(orderings) and len(set(orderings)) == len(orderings)
    for rt in reader_types:
        assert set(rt) == {
            "slug",
            "name",
            "description",
            "interests",
            "preferred_sections",
            "ordering",
        }
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rt["slug"])
        assert rt["description"].endswith("다.")
        assert 10 <= len(rt["interests"]) <= 20, rt["slug"]
        assert all(0.5 <= w <= 3.0 for w in rt["interests"].values()), rt["slug"]
        assert rt["preferred_sections"]
        assert set(rt["preferred_sections"]) <= SECTIONS, rt["slug"]


def test_every_interest_keyword_occurs_in_the_corpus():
    corpus = "\n".join(article_text(a) for a in load_articles())
    for rt in load_reader_types():
        missing = [k for k in rt["interests"] if k not in corpus]
        assert not missing, (rt["slug"], missing)


@pytest.mark.parametrize("slug", [rt["slug"] for rt in load_reader_types()])
def test_reader_type_finds_six_fitting_articles_in_the_window(slug):
    rt = reader_type(slug)
    fitting = [
        article
        for article in distinct_window_articles()
        if article["section"] in rt["preferred_sections"]
        or any(keyword in article_text(article) for keyword in rt["interests"])
    ]
    assert len(fitting) >= 6


def test_ceo_and_job_seeker_get_visibly_different_picks():
    ceo_ids = {a["id"] for a in top_articles(reader_type("ceo"))}
    job_seeker_ids = {a["id"] for a in top_articles(reader_type("job-seeker"))}
    assert len(ceo_ids & job_seeker_ids) <= 2


def test_retail_investor_picks_lean_on_securities_and_finance():
    picks = top_articles(reader_type("retail-investor"))
    markets = [a for a in picks if a["section"] in {"증권", "경제·금융"}]
    assert len(markets) >= 4
