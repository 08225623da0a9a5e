"""Articles as the newsroom hands them over, and their summaries."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prism.ingest.validation import http_url_problem, published_at_problem
from prism.querysets import ArticleQuerySet, SummaryQuerySet


class Article(models.Model):
    """A news article as handed over by the newsroom, raw and cleaned."""

    class Kind(models.TextChoices):
        NEWS = "news", _("뉴스")
        ANALYSIS = "analysis", _("분석")
        OPINION = "opinion", _("칼럼·오피니언")
        INTERVIEW = "interview", _("인터뷰·문답")
        DIGEST = "digest", _("주요 뉴스 모음·알림")
        FURNITURE = "furniture", _("안내문·기타")

    source = models.CharField(_("출처"), max_length=100, blank=True)
    external_id = models.CharField(_("외부 ID"), max_length=200, blank=True)
    url = models.URLField(_("원문 URL"), max_length=500, blank=True)
    headline = models.CharField(_("제목"), max_length=500)
    section = models.CharField(_("섹션"), max_length=100, blank=True)
    subsection = models.CharField(_("하위 섹션"), max_length=100, blank=True)
    byline = models.CharField(_("기자"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("발행 시각"), null=True, blank=True)
    # True when the record carried no date and published_at was set at import (from
    # --published-at or the import time): shown to editors as an estimate.
    published_at_estimated = models.BooleanField(_("발행 시각 추정"), default=False)
    kind = models.CharField(
        _("기사 종류"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.NEWS,
        help_text=_("가져올 때 자동으로 분류합니다. 틀렸다면 고쳐 주세요."),
    )
    # Set when an editor corrected the kind, so a re-import never overrides it.
    kind_confirmed = models.BooleanField(_("기사 종류 확인됨"), default=False)
    body_raw = models.TextField(_("원문 본문"))
    body = models.TextField(_("정제 본문"))
    language = models.CharField(_("언어"), max_length=10, default="ko")
    content_hash = models.CharField(_("본문 해시"), max_length=64, unique=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("유사 중복 원본"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="near_duplicates",
    )
    imported_at = models.DateTimeField(_("가져온 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)
    # Selection's noun index of the headline and opening, made in the background
    # after import so the morning's generation need not tokenize the whole pool.
    # {"key": what it was made from, "terms": {noun: weight}}; stale when the key
    # no longer matches (text, tokenizer or index version changed).
    index_terms = models.JSONField(
        _("선정용 색인어"), null=True, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("기사")
        verbose_name_plural = _("기사")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="prism_article_unique_url"
            ),
        ]
        indexes = [
            models.Index(fields=["published_at"]),
            # The importer looks records up by the newsroom's own id inside its
            # transaction; a scan there holds SQLite's write lock for long.
            models.Index(fields=["source", "external_id"]),
        ]

    def __str__(self) -> str:
        return self.headline

    def clean(self) -> None:
        # The importer's own checks, so the admin accepts exactly what it does.
        errors = {}
        if problem := http_url_problem(self.url or ""):
            errors["url"] = problem
        if self.published_at and (problem := published_at_problem(self.published_at)):
            errors["published_at"] = problem
        if errors:
            raise ValidationError(errors)

    def current_summary(self) -> ArticleSummary | None:
        """The summary of the current text by the configured summarizer, else the
        newest one of the current text (None when the text changed since)."""
        return self.summaries.current()


class ArticleSummary(models.Model):
    """One summarizer's 핵심 요약 of one article (one per summarizer identity)."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="summaries",
        verbose_name=_("기사"),
    )
    backend = models.CharField(_("요약기"), max_length=100)
    model_name = models.CharField(_("모델"), max_length=300, blank=True)
    model_version = models.CharField(_("모델 버전"), max_length=100, blank=True)
    text = models.TextField(_("요약"))
    sentences = models.JSONField(
        _("문장"), default=list, help_text=_("[{text, start, end}] 원문 내 위치 포함")
    )
    keywords = models.JSONField(_("키워드"), default=list)
    fallback_reason = models.CharField(_("대체 사유"), max_length=300, blank=True)
    # The article's content_hash when summarized: a corrected body makes it stale.
    # Blank on summaries made before this was recorded (taken as current).
    source_hash = models.CharField(
        _("요약한 본문 해시"), max_length=64, blank=True, editable=False
    )
    duration_ms = models.PositiveIntegerField(_("소요 시간(ms)"), default=0)
    created_at = models.DateTimeField(_("생성 시각"), auto_now_add=True)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("기사 요약")
        verbose_name_plural = _("기사 요약")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "backend", "model_name", "model_version"],
                name="prism_summary_unique_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} ({self.backend})"
