"""PRISM's domain: articles and their summaries, reader types, briefings and their
editorial history, generation runs, subscribers."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prism import validators
from prism.ingest.validation import http_url_problem, published_at_problem
from prism.querysets import ArticleQuerySet, BriefingQuerySet, SummaryQuerySet


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


class ReaderType(models.Model):
    """A kind of reader (독자 유형) with an interest profile that drives selection."""

    slug = models.SlugField(
        _("슬러그"), max_length=80, unique=True, allow_unicode=False
    )
    name = models.CharField(_("이름"), max_length=100, unique=True)
    description = models.TextField(_("설명"), blank=True)
    interests = models.JSONField(
        _("관심 키워드"),
        default=dict,
        blank=True,
        help_text=_('키워드별 가중치, 예: {"AI 반도체": 2.0, "투자": 1.0}'),
    )
    preferred_sections = models.JSONField(
        _("선호 섹션"),
        default=list,
        blank=True,
        help_text=_('예: ["경제·금융", "증권"]'),
    )
    allow_opinion = models.BooleanField(
        _("칼럼을 참고 뉴스로 허용"),
        default=False,
        help_text=_("켜면 칼럼·오피니언 기사도 참고 뉴스(4~6번)로 고를 수 있습니다."),
    )
    is_active = models.BooleanField(_("사용"), default=True)
    ordering = models.PositiveIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("독자 유형")
        verbose_name_plural = _("독자 유형")
        ordering = ["ordering", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("prism:reader_type", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Pages, the API and selection rely on the validated shapes; a profile
        # written around clean() (a fixture, the shell) is read as the nearest
        # valid one rather than failing every reader of it.
        loaded = instance.__dict__
        if "interests" in loaded:
            instance.interests = validators.normalised_interests(instance.interests)
        if "preferred_sections" in loaded:
            instance.preferred_sections = validators.normalised_sections(
                instance.preferred_sections
            )
        return instance

    def clean(self) -> None:
        errors = {
            "name": validators.name_errors(self.name),
            "interests": validators.interests_errors(self.interests),
            "preferred_sections": validators.sections_errors(self.preferred_sections),
        }
        errors = {field: problems for field, problems in errors.items() if problems}
        if errors:
            raise ValidationError(errors)


class Briefing(models.Model):
    """One edition of the 맞춤형 경제 브리핑 for one reader type."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("초안")
        IN_REVIEW = "in_review", _("검토 중")
        APPROVED = "approved", _("승인됨")
        SCHEDULED = "scheduled", _("발행 예약")
        PUBLISHED = "published", _("발행됨")
        UNPUBLISHED = "unpublished", _("발행 취소")
        SPIKED = "spiked", _("폐기")

    # The parts a person may change with an edit (sections and items are edited by
    # position and rank); workflow, revisions, the admin and generation use these.
    EDITABLE_FIELDS = (
        "headline",
        "header_line",
        "editors_note",
        "lead",
        "keywords",
        "footer",
    )

    reader_type = models.ForeignKey(
        ReaderType,
        on_delete=models.PROTECT,
        related_name="briefings",
        verbose_name=_("독자 유형"),
    )
    edition_date = models.DateField(_("발행일"))
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    headline = models.CharField(_("제목"), max_length=300, blank=True)
    header_line = models.CharField(_("머리글"), max_length=200, blank=True)
    editors_note = models.TextField(_("편집자 주"), blank=True)
    lead = models.TextField(_("리드"), blank=True)
    keywords = models.JSONField(_("키워드 TOP 5"), default=list, blank=True)
    footer = models.CharField(_("저작권 문구"), max_length=300, blank=True)
    correction_note = models.TextField(_("정정 안내"), blank=True)
    generation_notes = models.TextField(
        _("생성 메모"),
        blank=True,
        help_text=_("기사가 부족한 경우 등 생성기가 남긴 메모"),
    )
    # The quality report of prism.services.quality, refreshed on every save:
    # [{"check", "severity": "hard"|"soft", "part", "message", "excerpt"}].
    quality_findings = models.JSONField(
        _("품질 점검"), default=list, blank=True, editable=False
    )
    version = models.PositiveIntegerField(_("버전"), default=1)
    human_edited = models.BooleanField(_("사람이 수정함"), default=False)
    generation_run = models.ForeignKey(
        "GenerationRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="briefings",
        verbose_name=_("생성 작업"),
    )
    approved_version = models.PositiveIntegerField(
        _("승인된 버전"), null=True, blank=True
    )
    live_revision = models.ForeignKey(
        "BriefingRevision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("게시 중인 리비전"),
    )
    publish_at = models.DateTimeField(_("발행 예약 시각"), null=True, blank=True)
    published_at = models.DateTimeField(_("발행 시각"), null=True, blank=True)
    created_at = models.DateTimeField(_("생성 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        verbose_name = _("브리핑")
        verbose_name_plural = _("브리핑")
        ordering = ["-edition_date", "reader_type__ordering"]
        constraints = [
            # Spiked briefings are kept for the record; every other state is "live".
            models.UniqueConstraint(
                fields=["reader_type", "edition_date"],
                condition=~Q(status="spiked"),
                name="prism_briefing_one_live_per_edition",
            ),
        ]
        # Public pages check the newest change of published briefings on each request.
        indexes = [models.Index(fields=["status", "updated_at"])]
        permissions = [
            ("submit_briefing", _("브리핑 검토 요청")),
            ("approve_briefing", _("브리핑 승인")),
            ("publish_briefing", _("브리핑 발행·예약")),
            ("unpublish_briefing", _("브리핑 발행 취소")),
            ("correct_briefing", _("발행된 브리핑 정정")),
            ("spike_briefing", _("브리핑 폐기·복원")),
        ]

    def __str__(self) -> str:
        return f"{self.edition_date:%Y-%m-%d} {self.reader_type} 브리핑"

    def get_absolute_url(self) -> str:
        return reverse(
            "prism:briefing_detail",
            kwargs={
                "edition_date": self.edition_date.isoformat(),
                "slug": self.reader_type.slug,
            },
        )

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def keyword_line(self) -> str:
        """The [키워드 TOP 5] line: the keywords followed by the brand tags."""
        from prism.conf import prism_settings

        return ", ".join([*self.keywords, *prism_settings.BRAND_TAGS])


class BriefingSection(models.Model):
    """One of the three themed sections (■ heading + paragraph)."""

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(_("순서"))
    heading = models.CharField(_("주제"), max_length=200)
    body = models.TextField(_("본문"))

    class Meta:
        verbose_name = _("주제 섹션")
        verbose_name_plural = _("주제 섹션")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "position"], name="prism_section_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"■ {self.heading}"


class BriefingItem(models.Model):
    """One of the six selected articles with its 핵심 요약."""

    class Group(models.TextChoices):
        INTEREST = "interest", _("관심 뉴스")
        REFERENCE = "reference", _("참고 뉴스")

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="items"
    )
    rank = models.PositiveSmallIntegerField(_("순위"))
    group = models.CharField(_("구분"), max_length=20, choices=Group.choices)
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="briefing_items",
        verbose_name=_("기사"),
    )
    headline = models.CharField(_("제목"), max_length=500)
    summary = models.TextField(_("핵심 요약"))
    summary_sentences = models.JSONField(
        _("요약 문장 위치"), default=list, blank=True, help_text=_("원문 내 문장 위치")
    )
    related_articles = models.ManyToManyField(
        Article, blank=True, related_name="+", verbose_name=_("관련기사")
    )
    selection_reason = models.JSONField(_("선정 이유"), default=dict, blank=True)

    class Meta:
        verbose_name = _("브리핑 기사")
        verbose_name_plural = _("브리핑 기사")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "rank"], name="prism_item_unique_rank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.headline}"


class BriefingRevision(models.Model):
    """A full snapshot of a briefing after one save (the generator's or a person's)."""

    class Kind(models.TextChoices):
        GENERATED = "generated", _("AI 생성")
        EDITED = "edited", _("편집")
        RESTORED = "restored", _("복원")
        CORRECTED = "corrected", _("정정")
        REWRITTEN = "rewritten", _("AI 다시 쓰기")

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("버전"))
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices)
    content = models.JSONField(_("내용"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("작성자"),
    )
    provenance = models.JSONField(_("출처 정보"), default=dict, blank=True)
    comment = models.TextField(_("메모"), blank=True)
    created_at = models.DateTimeField(_("저장 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("브리핑 리비전")
        verbose_name_plural = _("브리핑 리비전")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "number"], name="prism_revision_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.briefing} v{self.number}"


class AuditEvent(models.Model):
    """Who did what to which briefing, when (every transition and edit)."""

    class Action(models.TextChoices):
        # The codes stay stable for tools and tests; editors read the labels.
        GENERATED = "generated", _("AI 초안 생성")
        GENERATION_SKIPPED = "generation_skipped", _("재생성 건너뜀")
        EDITED = "edited", _("편집")
        SUBMITTED = "submitted", _("검토 요청")
        CHANGES_REQUESTED = "changes_requested", _("수정 요청")
        APPROVED = "approved", _("승인")
        APPROVAL_RESET = "approval_reset", _("승인 해제(수정됨)")
        SCHEDULED = "scheduled", _("발행 예약")
        UNSCHEDULED = "unscheduled", _("예약 취소")
        SCHEDULE_FAILED = "schedule_failed", _("예약 발행 실패")
        PUBLISHED = "published", _("발행")
        UNPUBLISHED = "unpublished", _("발행 취소")
        CORRECTED = "corrected", _("정정")
        REOPENED = "reopened", _("다시 편집")
        SPIKED = "spiked", _("폐기")
        RESTORED = "restored", _("복원")
        REVISION_RESTORED = "revision_restored", _("이전 버전 복원")
        SHARE_LINK_CREATED = "share_link_created", _("공유 링크 생성")
        SHARE_LINK_REVOKED = "share_link_revoked", _("공유 링크 취소")
        # The editor's desk (prism.services.editing, prism.services.rewrite).
        WITHDRAWN = "withdrawn", _("검토 요청 취소")
        ITEM_REPLACED = "item_replaced", _("기사 교체")
        ITEM_ADDED = "item_added", _("기사 추가")
        ITEM_REMOVED = "item_removed", _("기사 뺌")
        ITEM_MOVED = "item_moved", _("기사 순서 바꿈")
        RECOMPOSED = "recomposed", _("다시 쓰기")
        REGENERATED = "regenerated", _("AI 초안 다시 만들기")
        REWRITTEN = "rewritten", _("AI로 다시 쓰기")
        SOURCE_CHANGED = "source_changed", _("발행 후 출처 기사 변경")

    briefing = models.ForeignKey(
        Briefing,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("수행자"),
    )
    action = models.CharField(_("동작"), max_length=50, choices=Action.choices)
    revision = models.ForeignKey(
        BriefingRevision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("메모"), blank=True)
    data = models.JSONField(_("데이터"), default=dict, blank=True)
    created_at = models.DateTimeField(_("시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class ShareLink(models.Model):
    """A revocable, expiring read-only preview of one revision for outside reviewers."""

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="share_links"
    )
    revision = models.ForeignKey(
        BriefingRevision, on_delete=models.CASCADE, related_name="share_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("만료 시각"))
    revoked_at = models.DateTimeField(_("취소 시각"), null=True, blank=True)
    created_at = models.DateTimeField(_("생성 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("공유 링크")
        verbose_name_plural = _("공유 링크")

    def __str__(self) -> str:
        return f"{self.briefing} v{self.revision.number} 공유"


class GenerationRun(models.Model):
    """One request to generate an edition's briefings, tracked across retries."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("대기")
        RUNNING = "running", _("실행 중")
        SUCCEEDED = "succeeded", _("성공")
        FAILED = "failed", _("실패")
        SKIPPED = "skipped", _("건너뜀")

    edition_date = models.DateField(_("발행일"))
    reader_types = models.ManyToManyField(
        ReaderType, blank=True, related_name="+", verbose_name=_("독자 유형")
    )
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.JSONField(
        _("진행 상황"),
        default=dict,
        blank=True,
        help_text=_("독자 유형별 상태·사유·시간"),
    )
    attempts = models.PositiveIntegerField(_("시도 횟수"), default=0)
    error = models.TextField(_("오류"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("요청 시각"), auto_now_add=True)
    started_at = models.DateTimeField(_("시작 시각"), null=True, blank=True)
    finished_at = models.DateTimeField(_("종료 시각"), null=True, blank=True)
    # The generative composer's cost: {"total": {requests, tokens_in, tokens_out,
    # seconds, fallbacks}, "reader_types": {slug: {name, ...the same per briefing}}}.
    composer_usage = models.JSONField(
        _("AI 작성기 사용량"), default=dict, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("생성 작업")
        verbose_name_plural = _("생성 작업")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.edition_date:%Y-%m-%d} 생성 #{self.pk}"


class Subscriber(models.Model):
    """A reader's profile: chosen reader types and e-mail preferences."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriber"
    )
    reader_types = models.ManyToManyField(
        ReaderType, blank=True, related_name="subscribers", verbose_name=_("독자 유형")
    )
    email_digest = models.BooleanField(_("이메일 브리핑 받기"), default=False)
    editorial_notifications = models.BooleanField(
        _("편집 알림 이메일 받기"), default=True, help_text=_("편집국 직원용")
    )
    # When the person agreed to the 개인정보 수집·이용 notice, and to which version.
    privacy_consent_at = models.DateTimeField(
        _("개인정보 수집·이용 동의 시각"), null=True, blank=True
    )
    privacy_consent_version = models.CharField(
        _("동의한 안내문 버전"), max_length=20, blank=True
    )
    created_at = models.DateTimeField(_("가입 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("구독자")
        verbose_name_plural = _("구독자")

    def __str__(self) -> str:
        return str(self.user)


class DigestDelivery(models.Model):
    """Records that a briefing was e-mailed to a person, so it is never sent twice."""

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Null once the person deleted their account: the count of deliveries stays,
    # nobody's address or identity does.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("발송 시각"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("이메일 발송")
        verbose_name_plural = _("이메일 발송")
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "user"], name="prism_delivery_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.briefing} → {self.user}"
