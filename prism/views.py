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
from prism.services.live import live_views
from prism.services.subscribers import (
    subscriber_delete_account,
    subscriber_sign_up,
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
    viewer = _viewer(request)
    etag = _briefing_etag(stamp, viewer)
    last_modified = int(stamp["updated_at"].timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        key = f"detail:{stamp['pk']}:{stamp['version']}:{stamp['updated_at']}"
        response = cached_page(
            request, key, lambda: _render_detail(request, stamp["pk"])
        )
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


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own profile: choices, latest briefings, history."""
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
            messages.success(request, "설정을 저장했습니다.")
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
    context = {
        "form": form,
        "subscriber": subscriber,
        "body_cache_seconds": PAGE_CACHE_SECONDS,
        "latest": [(rt, latest_by_type.get(rt.pk)) for rt in chosen],
        "page_obj": _page(
            request,
            followed.select_related("reader_type").only(*LINK_FIELDS),
            EDITIONS_PAGE_SIZE,
        ),
    }
    return render(request, "prism/profile.html", context)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    """Create a subscriber account with an e-mail address and a password."""
    if request.user.is_authenticated:
        return redirect("prism:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscriber = subscriber_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            reader_types=form.cleaned_data["reader_types"],
            email_digest=form.cleaned_data["email_digest"],
        )
        login(request, subscriber.user, backend=SIGN_UP_BACKEND)
        messages.success(request, "가입을 환영합니다. 받아 볼 독자 유형을 골라 보세요.")
        return redirect("prism:profile")
    return render(request, "registration/signup.html", {"form": form})


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
        messages.info(request, "계정을 삭제했습니다. 그동안 이용해 주셔서 감사합니다.")
        return redirect("prism:home")
    return render(request, "registration/account_delete.html", {"form": form})
