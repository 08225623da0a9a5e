"""Generation runs: one request to generate an edition, tracked across retries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prism.models.reader_types import ReaderType


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
