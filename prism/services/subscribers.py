"""Subscriber accounts: sign-up, reader-type choices, digest opt-in, deletion."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from prism.models import ReaderType, Subscriber


def email_is_taken(email: str) -> bool:
    """Whether an account already uses ``email`` as its address or user name."""
    User = get_user_model()
    return (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    )


@transaction.atomic
def subscriber_sign_up(
    *,
    email: str,
    password: str,
    reader_types: Iterable[ReaderType] = (),
    email_digest: bool = False,
) -> Subscriber:
    """Create a site account whose user name is its e-mail address, and its profile."""
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    if email_is_taken(email):
        raise ValidationError("이미 가입된 이메일 주소입니다.", code="duplicate_email")
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password
    )
    subscriber = Subscriber.objects.create(user=user, email_digest=email_digest)
    subscriber.reader_types.set(_active(reader_types))
    return subscriber


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
    """Delete a subscriber's account and profile; newsroom staff are refused."""
    if user.is_staff or user.is_superuser:
        raise PermissionDenied("편집국 계정은 사이트에서 삭제할 수 없습니다.")
    # Deleting the user cascades to the Subscriber row and their digest deliveries.
    get_user_model().objects.filter(pk=user.pk).delete()


def _active(reader_types: Iterable[ReaderType]) -> list[ReaderType]:
    """Only active reader types can be followed."""
    chosen = list(reader_types)
    return [reader_type for reader_type in chosen if reader_type.is_active]
