"""Subscriber accounts: sign-up (with consent and a confirmation e-mail), reader-type
choices, digest opt-in, deletion of the account and its personal data.

Sign-up answers every address the same way, so the form never reveals who has an
account (newsroom staff included): a new address gets a confirmation link, a
registered one a note to its owner that somebody tried to sign up with it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from prism.models import ReaderType, Subscriber

# The 개인정보 수집·이용 notice a consent refers to
# (prism/templates/prism/includes/privacy_notice.html); change both together.
PRIVACY_NOTICE_VERSION = "2026-12-01"

logger = logging.getLogger(__name__)


def email_is_taken(email: str) -> bool:
    """Whether an account already uses ``email`` as its address or user name."""
    return _account_for(email) is not None


def _account_for(email: str):
    User = get_user_model()
    return (
        User.objects.filter(email__iexact=email).order_by("pk").first()
        or User.objects.filter(username__iexact=email).order_by("pk").first()
    )


def _normalised(email: str) -> str:
    return get_user_model().objects.normalize_email(email.strip()).lower()


@transaction.atomic
def subscriber_sign_up(
    *,
    email: str,
    password: str,
    reader_types: Iterable[ReaderType] = (),
    email_digest: bool = False,
    privacy_consent: bool,
    active: bool = False,
) -> Subscriber:
    """Create a site account (user name = e-mail address) and its profile.

    The account stays inactive until its address is confirmed
    (:func:`subscriber_confirm`) unless ``active``. Consent to the privacy notice
    is required and recorded with its time and the notice's version.
    """
    if not privacy_consent:
        raise ValidationError("개인정보 수집·이용에 동의해야 가입할 수 있습니다.")
    email = _normalised(email)
    if email_is_taken(email):
        raise ValidationError("이미 가입된 이메일 주소입니다.", code="duplicate_email")
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, is_active=active
    )
    subscriber = Subscriber.objects.create(
        user=user,
        email_digest=email_digest,
        privacy_consent_at=timezone.now(),
        privacy_consent_version=PRIVACY_NOTICE_VERSION,
    )
    subscriber.reader_types.set(_active(reader_types))
    return subscriber


def subscriber_request_sign_up(
    *,
    email: str,
    password: str,
    reader_types: Iterable[ReaderType] = (),
    email_digest: bool = False,
    privacy_consent: bool,
    site_url: str,
) -> None:
    """Sign-up as the form does it: the same answer for every address.

    A new address gets an inactive account and a confirmation link; an account
    awaiting confirmation gets its link again; an address already in use gets a
    note to its owner (nothing changes). The mail goes once the account is stored;
    a mail server failure is logged, and signing up again sends the link again.
    """
    email = _normalised(email)
    existing = _account_for(email)
    if existing is None:
        subscriber = subscriber_sign_up(
            email=email,
            password=password,
            reader_types=reader_types,
            email_digest=email_digest,
            privacy_consent=privacy_consent,
        )
        message = _confirmation_mail(subscriber.user, site_url)
    else:
        # Hash anyway: a registered address must not answer measurably faster.
        make_password(password)
        if _awaits_confirmation(existing):
            message = _confirmation_mail(existing, site_url)
        else:
            message = _already_registered_mail(existing, email, site_url)
    try:
        send_mail(**message)
    except Exception:  # the answer must stay the same whatever the mail server does
        logger.exception("sign-up mail to %s failed", message["recipient_list"])


def _awaits_confirmation(user) -> bool:
    return not user.is_active and user.last_login is None and not user.is_staff


def _confirmation_mail(user, site_url: str) -> dict:
    path = reverse(
        "prism:sign_up_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    body = (
        "AI 프리즘 맞춤형 경제 브리핑 가입을 신청해 주셔서 감사합니다.\n\n"
        f"아래 링크를 열어 가입을 마쳐 주세요({days}일 동안 유효합니다).\n"
        f"{site_url}{path}\n\n"
        "가입을 신청한 적이 없다면 이 메일을 무시하세요. 계정은 만들어지지 않습니다."
    )
    return _mail("[AI 프리즘] 가입을 마쳐 주세요", body, user.email)


def _already_registered_mail(user, email: str, site_url: str) -> dict:
    body = (
        "누군가 이 이메일 주소로 AI 프리즘 가입을 신청했습니다. 이 주소로는 이미 "
        "계정이 있어 새 계정을 만들지 않았습니다.\n\n"
        f"본인이라면 로그인하세요: {site_url}{reverse('login')}\n"
        f"비밀번호가 기억나지 않으면: {site_url}{reverse('password_reset')}\n\n"
        "본인이 신청하지 않았다면 이 메일을 무시하셔도 됩니다."
    )
    return _mail("[AI 프리즘] 이미 가입된 이메일 주소입니다", body, user.email or email)


def _mail(subject: str, body: str, to: str) -> dict:
    return {
        "subject": subject,
        "message": body,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "recipient_list": [to],
    }


def subscriber_pending(uidb64: str, token: str):
    """The account a confirmation link stands for, if the link is still valid."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None or not _awaits_confirmation(user):
        return None
    if not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def subscriber_confirm(*, uidb64: str, token: str):
    """Activate the account of a valid confirmation link; None when it is not."""
    user = subscriber_pending(uidb64, token)
    if user is None:
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def subscriber_ensure(*, user: AbstractBaseUser) -> Subscriber:
    """The user's subscriber profile, created empty on first use."""
    subscriber, _ = Subscriber.objects.get_or_create(user=user)
    return subscriber


@transaction.atomic
def subscriber_update(
    *,
    user: AbstractBaseUser,
    reader_types: Iterable[ReaderType] | None = None,
    email_digest: bool | None = None,
) -> Subscriber:
    """Change the reader types a person follows and/or their digest opt-in."""
    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(user=user)
    if email_digest is not None and email_digest != subscriber.email_digest:
        subscriber.email_digest = email_digest
        subscriber.save(update_fields=["email_digest"])
    if reader_types is not None:
        subscriber.reader_types.set(_active(reader_types))
    return subscriber


@transaction.atomic
def subscriber_delete_account(*, user: AbstractBaseUser) -> None:
    """Delete a subscriber's account and every piece of personal data about them.

    Gone: the account (address, password hash), the profile with its choices and
    consent, API tokens, login-attempt records (their address and IP addresses).
    Kept, anonymised: which briefings were e-mailed (DigestDelivery rows lose their
    person), so delivery counts stay right. Newsroom staff are refused.
    """
    if user.is_staff or user.is_superuser:
        raise PermissionDenied("편집국 계정은 사이트에서 삭제할 수 없습니다.")
    _delete_login_records(user.get_username(), user.email)
    # Deleting the user cascades to the Subscriber row, tokens and admin log entries;
    # DigestDelivery.user is set to NULL.
    get_user_model().objects.filter(pk=user.pk).delete()


def _delete_login_records(*names: str) -> None:
    """django-axes keeps failed and successful logins by user name and IP address."""
    from django.apps import apps

    if not apps.is_installed("axes"):
        return
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    names = tuple({name for name in names if name})
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=names).delete()


def _active(reader_types: Iterable[ReaderType]) -> list[ReaderType]:
    """Only active reader types can be followed."""
    chosen = list(reader_types)
    return [reader_type for reader_type in chosen if reader_type.is_active]
