"""PRISM's domain: articles and their summaries, reader types, briefings and their
editorial history, generation runs, subscribers.

The models live in one module per area; every name is importable from here.
"""

from prism.models.articles import Article, ArticleSummary
from prism.models.audit import AuditEvent
from prism.models.briefings import (
    Briefing,
    BriefingItem,
    BriefingRevision,
    BriefingSection,
    ShareLink,
)
from prism.models.reader_types import ReaderType
from prism.models.runs import GenerationRun
from prism.models.subscribers import DigestDelivery, Subscriber

__all__ = [
    "Article",
    "ArticleSummary",
    "AuditEvent",
    "Briefing",
    "BriefingItem",
    "BriefingRevision",
    "BriefingSection",
    "DigestDelivery",
    "GenerationRun",
    "ReaderType",
    "ShareLink",
    "Subscriber",
]
