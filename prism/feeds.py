"""RSS and Atom feeds of a reader type's published briefings."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from prism.conf import prism_settings
from prism.models import Briefing, ReaderType
from prism.services.live import live_views

FEED_ITEMS = 20


class ReaderTypeRssFeed(Feed):
    """The latest published briefings of one reader type, whole, in RSS 2.0."""

    feed_type = Rss201rev2Feed
    description_template = "prism/feeds/briefing_description.html"

    def get_object(self, request, slug: str) -> ReaderType:
        return get_object_or_404(ReaderType, slug=slug, is_active=True)

    # Channel text is escaped like item titles: feed readers take it as HTML, and a
    # reader type's name and description are typed by chief editors.
    def title(self, reader_type: ReaderType) -> str:
        return escape(f"AI 프리즘 {reader_type.name} 맞춤형 경제 브리핑")

    def link(self, reader_type: ReaderType) -> str:
        return reader_type.get_absolute_url()

    def feed_url(self, reader_type: ReaderType) -> str:
        return reverse(self.url_name, kwargs={"slug": reader_type.slug})

    url_name = "prism:reader_type_rss"

    def description(self, reader_type: ReaderType) -> str:
        return escape(
            reader_type.description
            or f"{reader_type.name} 독자를 위한 맞춤형 경제 브리핑입니다."
        )

    def author_name(self) -> str:
        return prism_settings.PUBLISHER

    def feed_copyright(self) -> str:
        return prism_settings.footer

    def items(self, reader_type: ReaderType):
        briefings = (
            Briefing.objects.published()
            .for_reader_type(reader_type)
            .with_content()
            .select_related("live_revision")
            .order_by("-edition_date", "-published_at")[:FEED_ITEMS]
        )
        # Each entry as published: its live revision, links and headlines included.
        return live_views(list(briefings))

    def item_title(self, briefing: Briefing) -> str:
        # Like Django's default: titles are read as HTML by many feed readers.
        title = f"{briefing.edition_date:%Y.%m.%d} {briefing.reader_type.name} 브리핑"
        if briefing.headline:
            title = f"{title}: {briefing.headline}"
        return escape(title)

    def item_link(self, briefing: Briefing) -> str:
        return briefing.get_absolute_url()

    def item_pubdate(self, briefing: Briefing) -> dt.datetime:
        return briefing.published_at or briefing.updated_at

    def item_updateddate(self, briefing: Briefing) -> dt.datetime:
        return briefing.updated_at

    def item_author_name(self, briefing: Briefing) -> str:
        return prism_settings.PUBLISHER

    def item_categories(self, briefing: Briefing) -> list[str]:
        # Plain text, XML-escaped once by the feed writer (Django's default too):
        # unlike titles, readers show categories as labels, never as markup.
        return list(briefing.keywords or [])


class ReaderTypeAtomFeed(ReaderTypeRssFeed):
    """The same briefings in Atom 1.0."""

    feed_type = Atom1Feed
    url_name = "prism:reader_type_atom"

    def subtitle(self, reader_type: ReaderType) -> str:
        return self.description(reader_type)
