"""``sitemap.xml``: the public pages, published briefings and reader types only."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from prism.models import Briefing, ReaderType


class BriefingSitemap(Sitemap):
    """Every published briefing, newest first."""

    changefreq = "never"
    priority = 0.8
    limit = 5000

    def items(self):
        return (
            Briefing.objects.published()
            .select_related("reader_type")
            .order_by("-edition_date", "reader_type__ordering", "pk")
        )

    def lastmod(self, briefing: Briefing):
        return briefing.updated_at


class ReaderTypeSitemap(Sitemap):
    """The profile page of every active reader type."""

    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ReaderType.objects.filter(is_active=True).order_by("ordering", "pk")


class PageSitemap(Sitemap):
    """The home page and the archive."""

    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["prism:home", "prism:briefing_archive"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "briefings": BriefingSitemap,
    "reader-types": ReaderTypeSitemap,
}
