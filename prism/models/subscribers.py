"""Subscribers' profiles and the e-mails sent to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prism.models.briefings import Briefing
from prism.models.reader_types import ReaderType


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
