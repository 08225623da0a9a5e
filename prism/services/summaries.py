"""Summarizing articles and storing one ArticleSummary per summarizer identity."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from prism.conf import prism_settings
from prism.models import Article, ArticleSummary
from prism.nlp.summarize import Summarizer, Summary, get_summarizer

logger = logging.getLogger(__name__)

# Summaries stored after a generation error are retried; degenerate-output fallbacks
# are a property of the model and are kept.
ERROR_PREFIX = "생성 오류"


def summarizer_from_settings(*, backend: str | None = None) -> Summarizer:
    """The summarizer PRISM's settings describe (cached per process).

    ``backend`` overrides ``SUMMARIZER_BACKEND``; ``SUMMARIZER_OPTIONS`` belong to the
    configured backend and are only passed to it.
    """
    configured = str(prism_settings.SUMMARIZER_BACKEND or "extractive")
    backend = backend or configured
    options = (
        dict(prism_settings.SUMMARIZER_OPTIONS or {}) if backend == configured else {}
    )
    if backend != "extractive" and prism_settings.SUMMARIZER_MODEL:
        options.setdefault("model", prism_settings.SUMMARIZER_MODEL)
    if backend == "composer":
        # "composer": the generative composer as configured (COMPOSER_BACKEND/OPTIONS).
        from prism.services.composers import composer_summarizer_options

        options = {**composer_summarizer_options(), **options}
    if backend in {"extractive", "transformers", "composer"}:
        options.setdefault("tokenizer", prism_settings.TOKENIZER)
        options.setdefault("min_chars", prism_settings.SUMMARY_MIN_CHARS)
        options.setdefault("max_chars", prism_settings.SUMMARY_MAX_CHARS)
    return get_summarizer(backend, **options)


def article_summarize(
    *, article: Article, summarizer: Summarizer | None = None
) -> ArticleSummary:
    """The article's summary by ``summarizer``, made now unless one already exists.

    Summarizing runs outside any transaction (a model can take seconds, and SQLite
    takes its write lock when a transaction begins); only the write is atomic.
    """
    summarizer = summarizer or summarizer_from_settings()
    existing = _existing(article, summarizer)
    if existing is not None:
        return existing
    count = int(prism_settings.SUMMARY_SENTENCES)
    try:
        summary = summarizer.summarize(article.headline, article.body, count)
    except Exception as exc:
        if summarizer.backend == "extractive":
            raise
        # A model that is missing, out of memory or broken must not stop a
        # briefing: use the extractive summary and record why (retried later).
        logger.exception("Summarizer failed for article %s", article.pk)
        summary = _fallback_summary(summarizer, article, count, exc)
    return _store(article, summary)


def _fallback_summary(
    summarizer: Summarizer, article: Article, count: int, exc: Exception
) -> Summary:
    """The extractive summary, stored under the failed summarizer's identity."""
    fallback = summarizer_from_settings(backend="extractive").summarize(
        article.headline, article.body, count
    )
    return dataclasses.replace(
        fallback,
        backend=summarizer.backend,
        model_name=summarizer.model_name,
        model_version=summarizer.model_version,
        fallback_reason=(
            f"{ERROR_PREFIX}로 추출 요약을 사용함: {type(exc).__name__}: {exc}"
        ),
    )


def articles_summarize(
    *, article_ids: Sequence[int], summarizer: Summarizer | None = None
) -> list[ArticleSummary]:
    """Summaries of many articles, generated in batches; reuses existing ones.

    A failure on one article is logged and the others carry on; with a model-based
    summarizer the article gets the extractive summary, stored with the error as its
    ``fallback_reason`` (and retried next time). The result holds the summaries that
    exist afterwards, in ``article_ids`` order.
    """
    summarizer = summarizer or summarizer_from_settings()
    articles = Article.objects.in_bulk(list(article_ids))
    done: dict[int, ArticleSummary] = {}
    missing: list[Article] = []
    for article_id in dict.fromkeys(article_ids):
        article = articles.get(article_id)
        if article is None:
            logger.warning("Article %s does not exist; not summarized", article_id)
            continue
        existing = _existing(article, summarizer)
        if existing is not None:
            done[article.pk] = existing
        else:
            missing.append(article)
    size = max(1, int(prism_settings.SUMMARIZE_BATCH_SIZE))
    for begin in range(0, len(missing), size):
        for article, summary in _summarize_batch(
            summarizer, missing[begin : begin + size]
        ):
            try:
                done[article.pk] = _store(article, summary)
            except Exception:
                logger.exception(
                    "Could not store the summary of article %s", article.pk
                )
    return [done[pk] for pk in dict.fromkeys(article_ids) if pk in done]


def _summarize_batch(
    summarizer: Summarizer, articles: list[Article]
) -> list[tuple[Article, Summary]]:
    """Summarize a batch; if the batch fails, summarize its articles one by one."""
    count = int(prism_settings.SUMMARY_SENTENCES)
    documents = [(article.headline, article.body) for article in articles]
    try:
        return list(
            zip(articles, summarizer.summarize_batch(documents, count), strict=True)
        )
    except Exception:
        logger.exception("Batch summarization failed; retrying article by article")
    results = []
    for article, (title, body) in zip(articles, documents, strict=True):
        try:
            results.append((article, summarizer.summarize(title, body, count)))
        except Exception as exc:
            logger.exception(
                "Could not summarize article %s (%s): %s", article.pk, article, exc
            )
            if summarizer.backend != "extractive":
                results.append(
                    (article, _fallback_summary(summarizer, article, count, exc))
                )
    return results


def _existing(article: Article, summarizer: Summarizer) -> ArticleSummary | None:
    summary = (
        article.summaries.fresh()
        .for_identity(
            summarizer.backend, summarizer.model_name, summarizer.model_version
        )
        .order_by("-created_at")
        .first()
    )
    if summary is not None and summary.fallback_reason.startswith(ERROR_PREFIX):
        return None  # a transient generation error: try again
    return summary


@transaction.atomic
def _store(article: Article, summary: Summary) -> ArticleSummary:
    """Create or refresh the row for the summary's identity (race-safe)."""
    identity = {
        "article": article,
        "backend": summary.backend,
        "model_name": summary.model_name,
        "model_version": summary.model_version,
    }
    values = {
        "text": summary.text,
        "sentences": [sentence.as_dict() for sentence in summary.sentences],
        "keywords": list(summary.keywords),
        "fallback_reason": summary.fallback_reason[:300],
        "duration_ms": max(0, int(summary.duration_ms)),
        "source_hash": article.content_hash,
    }
    try:
        with transaction.atomic():
            stored, _ = ArticleSummary.objects.update_or_create(
                **identity, defaults=values
            )
    except IntegrityError:
        # Another worker stored the same identity first; theirs is as good as ours.
        stored = ArticleSummary.objects.get(**identity)
    return stored
