"""Reader types (독자 유형): the interest profiles that drive selection."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prism import validators


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
