"""Summaries service: one ArticleSummary per article and summarizer identity."""

from __future__ import annotations

import pytest

from prism.models import ArticleSummary
from prism.nlp.extractive import ExtractiveSummarizer
from prism.nlp.summarize import Summary
from prism.services.summaries import (
    article_summarize,
    articles_summarize,
    summarizer_from_settings,
)
from tests.helpers.summaries import makes_points

BODY = (
    "[PRISM 샘플 이서연 기자] 한국은행이 기준금리를 0.25%포인트 내렸다. 한국은행 "
    "금융통화위원회는 19일 통화정책방향 회의를 열고 기준금리를 연 2.50%에서 2.25%로 "
    "인하했다. 지난해 5월 이후 1년 6개월 만의 인하로, 기준금리는 2022년 8월 이후 가장 "
    "낮은 수준이 됐다. 시장에서는 내년 상반기 추가 인하 가능성에 무게를 두고 있다. "
    "다만 가계부채 증가세는 여전히 부담 요인으로 꼽힌다. 이서연 기자 sy@example.com"
)


class ExplodingSummarizer(ExtractiveSummarizer):
    """A real extractive summarizer that cannot handle one particular article."""

    backend = "exploding"

    def summarize(self, title: str, body: str, n_sentences: int = 3) -> Summary:
        if "폭발" in title:
            raise ValueError("이 기사는 요약할 수 없습니다")
        return super().summarize(title, body, n_sentences)


@pytest.fixture
def rate_cut(make_article):
    return make_article(headline="한은, 기준금리 0.25%p 인하", body=BODY)


def test_summary_is_stored_with_offsets_into_the_clean_body(
    rate_cut, fresh_summarizers
):
    summary = article_summarize(article=rate_cut)
    assert summary.backend == "extractive"
    assert summary.model_name == "prism-textrank/okt"
    assert summary.model_version
    assert makes_points(summary.sentences, 3)
    for sentence in summary.sentences:
        assert rate_cut.body[sentence["start"] : sentence["end"]] == sentence["text"]
    assert summary.text == " ".join(s["text"] for s in summary.sentences)
    assert "기자" not in summary.text and "@" not in summary.text
    assert summary.keywords and summary.fallback_reason == ""
    assert rate_cut.current_summary() == summary


def test_same_article_and_identity_reuses_the_summary(rate_cut, fresh_summarizers):
    first = article_summarize(article=rate_cut)
    second = article_summarize(article=rate_cut)
    assert first.pk == second.pk
    assert ArticleSummary.objects.filter(article=rate_cut).count() == 1


def test_another_identity_gets_its_own_summary(rate_cut, settings, fresh_summarizers):
    first = article_summarize(article=rate_cut)
    settings.PRISM = {**settings.PRISM, "SUMMARY_MAX_CHARS": 200}
    shorter = article_summarize(article=rate_cut)
    assert shorter.pk != first.pk
    assert shorter.model_version != first.model_version
    assert len(shorter.text) <= 200


def test_settings_choose_the_summarizer(settings, fresh_summarizers):
    settings.PRISM = {
        **settings.PRISM,
        "SUMMARIZER_BACKEND": "extractive",
        "SUMMARY_MIN_CHARS": 80,
        "SUMMARY_MAX_CHARS": 160,
        "SUMMARIZER_OPTIONS": {"lead": 2.0},
    }
    summarizer = summarizer_from_settings()
    assert (summarizer.min_chars, summarizer.max_chars) == (80, 160)
    assert summarizer.weights.lead == 2.0
    assert summarizer_from_settings() is summarizer


def test_transformers_backend_through_the_settings(
    make_article, settings, tiny_seq2seq_model, fresh_summarizers
):
    settings.PRISM = {
        **settings.PRISM,
        "SUMMARIZER_BACKEND": "transformers",
        "SUMMARIZER_MODEL": str(tiny_seq2seq_model.path),
        "SUMMARIZER_OPTIONS": {
            "num_threads": 1,
            "num_beams": 1,
            "max_length": 48,
            "min_length": 4,
        },
    }
    article = make_article(headline="한은 금리 인하", body=BODY)
    summary = article_summarize(article=article)
    assert summary.backend == "transformers"
    assert summary.model_name == str(tiny_seq2seq_model.path)
    assert summary.text.startswith(tiny_seq2seq_model.summary)
    assert summary.fallback_reason == ""
    assert article_summarize(article=article).pk == summary.pk


def test_batch_summarizes_many_and_keeps_going_past_a_failure(
    make_article, fresh_summarizers, caplog
):
    good = [
        make_article(body=BODY.replace("0.25%포인트", f"{i}%포인트")) for i in range(3)
    ]
    bad = make_article(headline="폭발하는 기사", body=BODY + " 추가 문장이다.")
    summarizer = ExplodingSummarizer()
    ids = [good[0].pk, bad.pk, good[1].pk, 999_999, good[2].pk]
    summaries = articles_summarize(article_ids=ids, summarizer=summarizer)
    assert [s.article_id for s in summaries] == [
        g.pk for g in (good[0], bad, *good[1:])
    ]
    assert all(s.backend == "exploding" for s in summaries)
    assert [bool(s.fallback_reason) for s in summaries] == [False, True, False, False]
    failed = summaries[1]
    assert failed.fallback_reason.startswith("생성 오류")
    assert "요약할 수 없습니다" in failed.fallback_reason
    assert failed.sentences
    for sentence in failed.sentences:
        assert bad.body[sentence["start"] : sentence["end"]] == sentence["text"]
    assert f"Could not summarize article {bad.pk}" in caplog.text
    again = articles_summarize(article_ids=ids, summarizer=summarizer)
    assert [s.pk for s in again] == [s.pk for s in summaries]  # error rows retried


def test_a_broken_model_falls_back_to_the_extractive_summary(
    rate_cut, settings, tmp_path, fresh_summarizers
):
    settings.PRISM = {
        **settings.PRISM,
        "SUMMARIZER_BACKEND": "transformers",
        "SUMMARIZER_MODEL": str(tmp_path / "missing-model"),
    }
    summary = article_summarize(article=rate_cut)
    assert summary.backend == "transformers"
    assert summary.model_name == str(tmp_path / "missing-model")
    assert summary.fallback_reason.startswith("생성 오류")
    assert "does not exist" in summary.fallback_reason
    extractive = ExtractiveSummarizer().summarize(rate_cut.headline, rate_cut.body)
    assert summary.text == extractive.text


def correct_body(article, body: str) -> None:
    """What an import of the same URL with corrected text does to the row."""
    from prism.ingest import content_hash

    article.body = body
    article.content_hash = content_hash(body)
    article.save()


def test_a_corrected_body_gets_a_new_summary(rate_cut, fresh_summarizers):
    first = article_summarize(article=rate_cut)
    assert first.source_hash == rate_cut.content_hash
    corrected = BODY.replace("0.25%포인트", "0.5%포인트").replace("2.25%", "2.00%")
    correct_body(rate_cut, corrected)
    # The old summary quotes the old text: it is no longer the article's 핵심 요약.
    assert rate_cut.current_summary() is None
    second = article_summarize(article=rate_cut)
    assert second.pk == first.pk  # refreshed in place: one row per identity
    assert second.source_hash == rate_cut.content_hash
    assert "2.00%" in second.text and "2.25%" not in second.text
    for sentence in second.sentences:
        assert corrected[sentence["start"] : sentence["end"]] == sentence["text"]
    assert rate_cut.current_summary() == second


def test_batch_summarizing_redoes_only_the_stale_summaries(
    rate_cut, make_article, fresh_summarizers
):
    other = make_article(headline="수출 석 달째 증가")
    before = {
        s.article_id: s for s in articles_summarize(article_ids=[rate_cut.pk, other.pk])
    }
    correct_body(rate_cut, BODY.replace("2.25%", "2.00%"))
    after = {
        s.article_id: s for s in articles_summarize(article_ids=[rate_cut.pk, other.pk])
    }
    assert "2.00%" in after[rate_cut.pk].text
    assert after[other.pk].created_at == before[other.pk].created_at
    assert after[other.pk].text == before[other.pk].text


def test_summaries_from_before_source_hashes_still_count(rate_cut, fresh_summarizers):
    summary = article_summarize(article=rate_cut)
    ArticleSummary.objects.filter(pk=summary.pk).update(source_hash="")
    assert rate_cut.current_summary() == summary
    assert article_summarize(article=rate_cut).pk == summary.pk
