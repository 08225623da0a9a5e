"""Public pages. Every read starts from ``Briefing.objects.published()``."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from prism.models import Briefing, ReaderType


def _parse_edition_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise Http404("잘못된 날짜입니다.") from error


def home(request: HttpRequest) -> HttpResponse:
    """Today's published briefings, one card per reader type (else the latest day)."""
    published = Briefing.objects.published().select_related("reader_type")
    today = timezone.localdate()
    briefings = list(published.for_edition(today))
    edition_date = today
    if not briefings:
        latest = published.order_by("-edition_date").first()
        if latest is not None:
            edition_date = latest.edition_date
            briefings = list(published.for_edition(edition_date))
    return render(
        request,
        "prism/home.html",
        {"briefings": briefings, "edition_date": edition_date},
    )


def briefing_archive(request: HttpRequest) -> HttpResponse:
    """Past published editions, newest first."""
    briefings = Briefing.objects.published().select_related("reader_type")[:100]
    return render(request, "prism/briefing_archive.html", {"briefings": briefings})


def briefing_detail(request: HttpRequest, edition_date: str, slug: str) -> HttpResponse:
    """One published briefing in the newspaper's layout."""
    queryset = Briefing.objects.published().with_content()
    briefing = get_object_or_404(
        queryset, edition_date=_parse_edition_date(edition_date), reader_type__slug=slug
    )
    return render(request, "prism/briefing_detail.html", {"briefing": briefing})


def reader_type_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A reader type's page: who it is for and its published editions."""
    reader_type = get_object_or_404(ReaderType, slug=slug, is_active=True)
    briefings = Briefing.objects.published().for_reader_type(reader_type)[:30]
    return render(
        request,
        "prism/reader_type_detail.html",
        {"reader_type": reader_type, "briefings": briefings},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in subscriber's own profile page."""
    subscriber = getattr(request.user, "subscriber", None)
    reader_types = list(subscriber.reader_types.all()) if subscriber else []
    latest = [
        (rt, Briefing.objects.published().for_reader_type(rt).latest_edition())
        for rt in reader_types
    ]
    return render(
        request, "prism/profile.html", {"subscriber": subscriber, "latest": latest}
    )
