"""Public pages and the subscriber's own pages.

Every briefing read starts from ``Briefing.objects.published()``: nothing else is
reachable here, whoever asks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import re
from functools import partial

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prism.conf import prism_settings
from prism.forms import ArchiveFilterForm, DeleteAccountForm, ProfileForm, SignUpForm
from prism.models import Briefing, ReaderType, Subscriber
from prism.page_cache import (
    PAGE_CACHE_SECONDS,
    briefing_stamp,
    cached_page,
    is_shared_view,
    published_stamp,
)
from prism.reader_cache import cached_reader_page, signed_in_reader, subscription_stamp
from prism.services.digest import site_url
from prism.services.live import live_views
from prism.services.subscribers import (
    subscriber_confirm,
    subscriber_delete_account,
    subscriber_pending,
    subscriber_request_sign_up,
    subscriber_update,
)

ARCHIVE_PAGE_SIZE = 30
# What a card or an archive line shows: the rows need nothing else.
LINK_FIELDS = ("edition_date", "headline", "reader_type__slug", "reader_type__name")
CARD_FIELDS = (*LINK_FIELDS, "lead", "keywords")
EDITIONS_PAGE_SIZE = 20
# Sign-up logs the new account in directly; no password check to throttle here.
SIGN_UP_BACKEND = "django.contrib.auth.backends.ModelBackend"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _parse_edition_date(value: str) -> dt.date:
    # One canonical form (YYYY-MM-DD): fromisoformat also reads 20261201, 2026-W48-2.
    if not ISO_DATE.fullmatch(value):
        raise Http404("잘못된 날짜입니다.")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise Http404("잘못된 날짜입니다.") from error


def _page(request: HttpRequest, queryset, size: int) -> Page:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Today's published briefings, one card per reader type (else the latest day)."""
    key = f"home:{timezone.localdate()}:{published_stamp()}"
    return cached_page(request, key, lambda: _render_home(request))


def _render_home(request: HttpRequest) -> HttpResponse:
    published = (
        Briefing.objects.published()
        .select_related("reader_type")
        .only(*CARD_FIELDS)
        .order_by("reader_type__ordering", "reader_type_id")
    )
    edition_date = timezone.localdate()
    briefings = list(published.for_edition(edition_date))
    if not briefings:
        latest = published.order_by("-edition_date").first()
        if latest is not None:
            edition_date = latest.edition_date
            briefings = list(published.for_edition(edition_date))
    reader_types = ReaderType.objects.filter(is_active=True)
    context = {
        "briefings": briefings,
        "edition_date": edition_date,
        "is_today": edition_date == timezone.localdate(),
        "reader_types": reader_types,
    }
    return render(request, "prism/home.html", context)


@require_GET
def briefing_archive(request: HttpRequest) -> HttpResponse:
    """Published editions, newest first, filtered by reader type and date range."""
    key = f"archive:{request.GET.urlencode()}:{published_stamp()}"
    return cached_page(request, key, lambda: _render_archive(request))


def _render_archive(request: HttpRequest) -> HttpResponse:
    form = ArchiveFilterForm(request.GET or None)
    briefings = (
        Briefing.objects.published()
        .select_related("reader_type")
        .only(*LINK_FIELDS)
        .order_by("-edition_date", "reader_type__ordering", "reader_type_id")
    )
    # Invalid fields are left out of cleaned_data, so only the valid filters apply;
    # an unbound form has no cleaned_data at all.
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    if filters.get("reader_type"):
        briefings = briefings.for_reader_type(filters["reader_type"])
    if filters.get("date_from"):
        briefings = briefings.filter(edition_date__gte=filters["date_from"])
    if filters.get("date_to"):
        briefings = briefings.filter(edition_date__lte=filters["date_to"])
    page = _page(request, briefings, ARCHIVE_PAGE_SIZE)
    return render(
        request, "prism/briefing_archive.html", {"form": form, "page_obj": page}
    )


def _viewer(request: HttpRequest) -> int:
    """The signed-in user's id, 0 for visitors (known without a session lookup)."""
    if is_shared_view(request) or not request.user.is_authenticated:
        return 0
    return request.user.pk


def _briefing_etag(stamp: dict, viewer: int) -> str:
    """A weak validator: the briefing's version and the viewer (the nav differs)."""
    basis = f"{stamp['pk']}:{stamp['version']}:{stamp['updated_at'].isoformat()}"
    digest = hashlib.sha256(f"{basis}:{viewer}".encode()).hexdigest()[:32]
    return f'W/"{digest}"'


@require_GET
def briefing_detail(request: HttpRequest, edition_date: str, slug: str) -> HttpResponse:
    """One published briefing in the newspaper's layout, with conditional GET."""
    # One small query answers 404s, 304s and cached pages; the content only on a miss.
    stamp = briefing_stamp(_parse_edition_date(edition_date), slug)
    if stamp is None:
        raise Http404("발행된 브리핑이 없습니다.")
    # Signed-in readers get their own cached copy; nobody's user row is loaded
    # through the ORM for it.
    reader = None if is_shared_view(request) else signed_in_reader(request)
    viewer = reader.user_id if reader else _viewer(request)
    etag = _briefing_etag(stamp, viewer)
    last_modified = int(stamp["updated_at"].timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        key = f"detail:{stamp['pk']}:{stamp['version']}:{stamp['updated_at']}"
        render_page = partial(_render_detail, request, stamp["pk"])
        if reader is not None:
            response = cached_reader_page(request, reader, key, render_page)
        else:
            response = cached_page(request, key, render_page)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, no_cache=True, private=bool(viewer))
    return response


def _render_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Still from published(): the briefing may have been withdrawn a moment ago.
    briefing = get_object_or_404(
        Briefing.objects.published().select_related("reader_type"), pk=pk
    )
    context = {
        "briefing": briefing,
        # Signed-in readers get no shared page, but they share the body's HTML
        # (a page rendered for everyone is cached whole: no fragment needed).
        "content": _lazy_bodies([pk])[pk],
        "cache_body": not is_shared_view(request),
        "body_cache_seconds": PAGE_CACHE_SECONDS,
        "canonical_url": request.build_absolute_uri(briefing.get_absolute_url()),
        "publisher": prism_settings.PUBLISHER,
    }
    return render(request, "prism/briefing_detail.html", context)


def _lazy_bodies(pks: list[int]) -> dict[int, SimpleLazyObject]:
    """Per briefing id, the rows its body renders (sections, items, articles).

    Nothing is loaded unless a body's HTML is missing from the fragment cache
    (``prism/includes/briefing_body_cached.html``); then all of them are loaded
    together, in a constant number of queries.
    """
    rows = SimpleLazyObject(lambda: _live_bodies(pks))
    return {pk: SimpleLazyObject(partial(operator.getitem, rows, pk)) for pk in pks}


def _live_bodies(pks: list[int]) -> dict[int, object]:
    """What each briefing's body shows: its live revision once published."""
    briefings = list(
        Briefing.objects.filter(pk__in=pks)
        .with_content()
        .select_related("live_revision")
    )
    return {
        b.pk: view for b, view in zip(briefings, live_views(briefings), strict=True)
    }


@require_GET
def reader_type_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A reader type's profile: who it is for, interests, latest and past editions."""
    reader_type = get_object_or_404(ReaderType, slug=slug, is_active=True)
    editions = Briefing.objects.published().for_reader_type(reader_type)
    latest = editions.order_by("-edition_date", "-published_at").first()
    page = _page(request, editions.order_by("-edition_date"), EDITIONS_PAGE_SIZE)
    interests = sorted(
        (reader_type.interests or {}).items(), key=lambda pair: (-_weight(pair), pair)
    )
    context = {
        "reader_type": reader_type,
        "latest": latest,
        "page_obj": page,
        "interests": [name for name, _ in interests],
        "following": _follows(request, reader_type),
        "canonical_url": request.build_absolute_uri(reader_type.get_absolute_url()),
    }
    return render(request, "prism/reader_type_detail.html", context)


def _weight(pair: tuple[str, object]) -> float:
    try:
        return float(pair[1])  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _follows(request: HttpRequest, reader_type: ReaderType) -> bool:
    if not request.user.is_authenticated:
        return False
    return ReaderType.objects.filter(
        pk=reader_type.pk, subscribers__user=request.user
    ).exists()


@require_POST
@login_required
def reader_type_follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow or stop following a reader type from its page."""
    reader_type = get_object_or_404(ReaderType, slug=slug, is_active=True)
    subscriber = Subscriber.objects.filter(user=request.user).first()
    chosen = set(subscriber.reader_types.all()) if subscriber else set()
    if request.POST.get("action") == "unfollow":
        chosen.discard(reader_type)
        messages.info(request, f"‘{reader_type.name}’ 브리핑 구독을 해지했습니다.")
    else:
        chosen.add(reader_type)
        messages.success(request, f"‘{reader_type.name}’ 브리핑을 구독합니다.")
    subscriber_update(user=request.user, reader_types=chosen)
    return redirect(reader_type)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own profile: choices, latest briefings, history."""
    reader = signed_in_reader(request) if request.method == "GET" else None
    if reader is None:
        return _profile(request)
    # Everything the page shows: the published briefings, the person's choices.
    key = (
        f"profile:{request.GET.urlencode()}:{published_stamp()}:"
        f"{subscription_stamp(reader.user_id)}"
    )
    return cached_reader_page(request, reader, key, partial(_profile, request))


@login_required
def _profile(request: HttpRequest) -> HttpResponse:
    subscriber = Subscriber.objects.filter(user=request.user).first()
    chosen = list(subscriber.reader_types.all()) if subscriber else []
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            subscriber_update(
                user=request.user,
                reader_types=form.cleaned_data["reader_types"],
                email_digest=form.cleaned_data["email_digest"],
            )
            saved = _settings_saved(
                form.cleaned_data["reader_types"], form.cleaned_data["email_digest"]
            )
            messages.success(request, saved)
            return redirect("prism:profile")
    else:
        form = ProfileForm(
            initial={
                "reader_types": chosen,
                "email_digest": bool(subscriber and subscriber.email_digest),
            }
        )
    followed = Briefing.objects.published().filter(reader_type__in=chosen)
    latest_by_type = {
        briefing.reader_type_id: briefing
        for briefing in followed.latest_per_reader_type().select_related("reader_type")
    }
    bodies = _lazy_bodies([briefing.pk for briefing in latest_by_type.values()])
    for briefing in latest_by_type.values():
        briefing.content = bodies[briefing.pk]
    # Older editions, all followed reader types or one of them, page by page.
    shown = next((rt for rt in chosen if rt.slug == request.GET.get("type")), None)
    history = followed.filter(reader_type=shown) if shown else followed
    context = {
        "form": form,
        "subscriber": subscriber,
        "body_cache_seconds": PAGE_CACHE_SECONDS,
        "latest": [(rt, latest_by_type.get(rt.pk)) for rt in chosen],
        "history_type": shown,
        "page_obj": _page(
            request,
            history.select_related("reader_type").only(*LINK_FIELDS),
            EDITIONS_PAGE_SIZE,
        ),
    }
    return render(request, "prism/profile.html", context)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Ask for an account: e-mail, password, consent; a confirmation link follows.

    Every valid request gets the same answer, so nobody learns from this page
    whether an address is registered.
    """
    if request.user.is_authenticated:
        return redirect("prism:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscriber_request_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            reader_types=form.cleaned_data["reader_types"],
            email_digest=form.cleaned_data["email_digest"],
            privacy_consent=form.cleaned_data["privacy_consent"],
            site_url=site_url(),
        )
        return redirect("prism:sign_up_done")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
def sign_up_done(request: HttpRequest) -> HttpResponse:
    """ "Check your mail", whatever the address was."""
    return render(request, "registration/signup_done.html")


@require_http_methods(["GET", "POST"])
def sign_up_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in the confirmation mail: a button that finishes the sign-up.

    GET changes nothing (mail scanners open links); the POST activates the account
    and signs the person in.
    """
    if request.method == "POST":
        user = subscriber_confirm(uidb64=uidb64, token=token)
        if user is not None:
            login(request, user, backend=SIGN_UP_BACKEND)
            messages.success(request, _welcome(user))
            return redirect("prism:profile")
    elif subscriber_pending(uidb64, token) is not None:
        return render(request, "registration/signup_confirm.html", {"valid": True})
    return render(
        request, "registration/signup_confirm.html", {"valid": False}, status=400
    )


def _welcome(user) -> str:
    """The first message after sign-up, fitting what the person chose."""
    subscriber = Subscriber.objects.filter(user=user).first()
    names = [rt.name for rt in subscriber.reader_types.all()] if subscriber else []
    if not names:
        return (
            "가입을 마쳤습니다. 오른쪽 구독 설정에서 받아 볼 독자 유형을 골라 보세요."
        )
    chosen = ", ".join(names)
    text = f"가입을 마쳤습니다. {chosen} 브리핑을 이 페이지에서 읽을 수 있습니다."
    if subscriber.email_digest:
        text += " 새 브리핑이 발행되면 이메일로도 보내 드립니다."
    return text


def _settings_saved(reader_types, email_digest: bool) -> str:
    """What the profile form just saved, in words."""
    names = [rt.name for rt in reader_types if rt.is_active]
    if not names:
        return "설정을 저장했습니다. 지금은 구독 중인 독자 유형이 없습니다."
    mail_note = "이메일로도 받습니다" if email_digest else "이메일은 받지 않습니다"
    return f"설정을 저장했습니다: {', '.join(names)} 브리핑을 구독하며 {mail_note}."


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete the signed-in person's account after asking for the password."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            subscriber_delete_account(user=user)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("prism:profile")
        logout(request)
        messages.info(
            request,
            "계정과 개인정보(이메일 주소, 구독 설정, 로그인 기록)를 삭제했습니다. "
            "그동안 이용해 주셔서 감사합니다.",
        )
        return redirect("prism:home")
    return render(request, "registration/account_delete.html", {"form": form})
