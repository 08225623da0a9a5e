"""The admin's forms: articles, the briefing itself and its items."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from prism.conf import prism_settings
from prism.ingest import content_hash
from prism.models import Article, Briefing, BriefingRevision
from prism.services.workflow import FIELD_CHECKS, field_problems


class ArticleAdminForm(forms.ModelForm):
    # Links typed without a scheme are news sites: https (Django 6's default too).
    url = forms.URLField(
        label=Article._meta.get_field("url").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Article
        fields = [
            "headline", "section", "subsection", "byline", "published_at",
            "kind", "body", "body_raw", "source", "external_id", "url", "language",
        ]  # fmt: skip

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        taken = (
            Article.objects.filter(content_hash=content_hash(body))
            .exclude(pk=self.instance.pk)
            .first()
        )
        if taken is not None:
            raise forms.ValidationError(
                _("같은 본문의 기사가 이미 있습니다: %(headline)s (#%(pk)s)"),
                params={"headline": taken.headline, "pk": taken.pk},
                code="duplicate_body",
            )
        return body


class KeywordsField(forms.CharField):
    """The five keywords as one comma-separated line instead of raw JSON."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, list):
            return value
        return [part.strip() for part in (value or "").split(",") if part.strip()]

    def has_changed(self, initial, data):
        return self.to_python(self.prepare_value(initial) or "") != self.to_python(data)


def conflict_message(briefing: Briefing, base_version: int, current: int, user):
    """Who saved in between, in words: another person, or this user elsewhere."""
    revision = (
        BriefingRevision.objects.filter(briefing=briefing, number=current)
        .select_related("author")
        .first()
    )
    author = revision.author if revision else None
    if author is not None and user is not None and author.pk == user.pk:
        who = "다른 창(탭)에서 이 브리핑을 먼저 저장했습니다"
    elif author is not None:
        who = f"{author.get_username()}님이 먼저 저장했습니다"
    else:
        who = "그사이 브리핑이 바뀌었습니다(AI 초안 생성 등)"
    diff_url = (
        reverse("admin:prism_briefing_diff", args=[briefing.pk])
        + f"?a=v{base_version}&b=current"
    )
    return format_html(
        "{}(편집을 시작한 버전 v{}, 지금 버전 v{}). 아직 저장하지 않았습니다. "
        "아래 ‘내가 쓴 내용’과 ‘지금 저장된 내용’을 확인하세요. 내가 고친 부분은 "
        "입력란에 그대로 남아 있고, 다시 ‘저장’을 누르면 지금 버전 위에 "
        "적용됩니다. <a href='{}'>바뀐 내용 비교</a>",
        who,
        base_version,
        current,
        diff_url,
    )


class BriefingAdminForm(forms.ModelForm):
    """The briefing's own fields plus the version the editor started from."""

    # Set by the admin on a second pass when a button's step was refused after the
    # form had validated: the form is shown again, typed text and all, with why.
    refusal = None
    # The request's user, for the conflict message (set by BriefingAdmin.get_form).
    editing_user = None

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=True)
    keywords = KeywordsField(
        label=_("키워드 TOP 5"),
        required=False,
        help_text=_("쉼표로 구분한 다섯 개의 키워드(브랜드 태그는 자동으로 붙습니다)"),
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )

    class Meta:
        model = Briefing
        fields = [*Briefing.EDITABLE_FIELDS, "correction_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["base_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        if self.refusal is not None:
            raise forms.ValidationError(str(self.refusal), code="refused")
        base_version = cleaned.get("base_version")
        # Lock the row for the rest of the admin's save transaction, so the version
        # compared here is still the current one when the edit is written.
        current = (
            Briefing.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if base_version is not None and current is not None and base_version != current:
            raise forms.ValidationError(
                conflict_message(
                    self.instance, base_version, current, self.editing_user
                ),
                code="edit_conflict",
            )
        if self.instance.status == Briefing.Status.PUBLISHED:
            self._clean_correction(cleaned)
        return cleaned

    def _clean_correction(self, cleaned) -> None:
        """A correction goes live at once: check the publish guards on the form."""
        if not self.has_changed():
            return
        if not (cleaned.get("correction_note") or "").strip():
            self.add_error(
                "correction_note",
                _("발행된 브리핑을 고치려면 독자에게 보일 정정 안내를 입력하세요."),
            )
        for field in FIELD_CHECKS:
            if field in cleaned and field_problems(field, cleaned[field]):
                self.add_error(field, _correction_requirement(field, cleaned[field]))


def _correction_requirement(field: str, value) -> str:
    """What a correction's ``field`` must hold, said as the form's error."""
    if field == "footer":
        return f"저작권 문구는 ‘{prism_settings.footer}’이어야 합니다."
    if field == "keywords":
        return f"키워드는 {int(prism_settings.KEYWORDS_PER_BRIEFING)}개여야 합니다."
    return " ".join(field_problems(field, value))
