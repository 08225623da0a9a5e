"""Briefings, their sections and items, revisions and share links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prism.models.articles import Article
from prism.models.reader_types import ReaderType
from prism.querysets import BriefingQuerySet


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
