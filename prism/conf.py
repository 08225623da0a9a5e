"""PRISM's app settings, read lazily from the host project's ``PRISM`` dict.

Usage: ``from prism.conf import prism_settings``; ``prism_settings.PUBLISHER``.
Like DRF's ``api_settings``, values are looked up on first access and the cache is
dropped when Django's ``setting_changed`` signal fires (``override_settings`` in tests).
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS: dict[str, Any] = {
    # Masthead and legal text of every briefing.
    "PUBLISHER": "서울경제",
    "HEADER_LINE": "▲ AI 프리즘* 맞춤형 경제 브리핑",
    "EDITORS_NOTE": (
        "* 편집자 주: ‘AI PRISM’(Personalized Report & Insight Summarizing Media)은 "
        "한국언론진흥재단의 지원을 받아 개발한 ‘인공지능(AI) 기반 맞춤형 뉴스 추천 및 "
        "요약 서비스’입니다. 독자 유형별 맞춤 뉴스 6개를 선별해 제공합니다."
    ),
    "BRAND_TAGS": ["AI PRISM", "AI 프리즘"],
    # Absolute base URL of the public site for links in e-mails (no request in tasks).
    "SITE_URL": "http://127.0.0.1:8000",
    "FOOTER_TEMPLATE": "< 저작권자 ⓒ {publisher}, 무단 전재 및 재배포 금지 >",
    # Briefing anatomy.
    "ITEMS_PER_BRIEFING": 6,
    "INTEREST_ITEMS": 3,
    "SECTIONS_PER_BRIEFING": 3,
    "KEYWORDS_PER_BRIEFING": 5,
    "SUMMARY_SENTENCES": 3,
    "SUMMARY_MIN_CHARS": 150,
    "SUMMARY_MAX_CHARS": 300,
    # Summarization engine.
    "SUMMARIZER_BACKEND": "extractive",  # "extractive", "transformers" or a dotted path
    "SUMMARIZER_MODEL": "",  # local path or hub id for the transformers backend
    "SUMMARIZER_OPTIONS": {},  # generation settings, device, threads, quantization
    "TOKENIZER": "okt",  # okt, komoran, hannanum, mecab, kiwi
    "SUMMARIZE_BATCH_SIZE": 16,
    # Generative composer: "extractive" (no model), "openai" (any OpenAI-compatible
    # chat-completions server), "transformers" (a local causal LM) or a dotted path.
    # Options: base_url, model, timeout, max_retries, concurrency, json_mode,
    # summaries, deadline, coverage_threshold, prompt_dir … (see the README).
    "COMPOSER_BACKEND": "extractive",
    "COMPOSER_OPTIONS": {},
    # Ingestion.
    "IMPORT_MAX_BYTES": 50 * 1024 * 1024,
    # One API request body at most: 500 articles of the longest body the API takes
    # (20,000 characters, 3 bytes each in UTF-8) fit. Independent of Django's
    # DATA_UPLOAD_MAX_MEMORY_SIZE, which stays sized for forms.
    "API_MAX_REQUEST_BYTES": 32 * 1024 * 1024,
    # prism_import commits this many articles at a time, so a large import never
    # holds SQLite's write lock long enough to make generation or editors wait.
    "IMPORT_BATCH_SIZE": 200,
    # Shingle Jaccard (or containment) at which a lightly rewritten copy of a story
    # counts as the same story; different articles on one event score far below.
    "NEAR_DUPLICATE_THRESHOLD": 0.6,
    # Selection and generation.
    "CANDIDATE_WINDOW_HOURS": 36,
    "MIN_BODY_CHARS": 200,
    "SELECTION_WEIGHTS": {
        "relevance": 1.0,
        "section": 0.3,
        "recency": 0.2,
        "importance": 0.3,
    },
    "MMR_LAMBDA": 0.6,
    "GENERATION_TIME": "06:00",
    "GENERATION_MAX_ATTEMPTS": 3,
    # A reader type still running (or queued) this long after its task started has
    # lost its task (worker killed, django-q timeout, broker restarted): the recovery
    # schedule retries or fails it. None: the cluster's retry + timeout + 2 minutes.
    "GENERATION_STALE_SECONDS": None,
    # Workflow.
    "EDIT_RESETS_APPROVAL": True,
    "SHARE_LINK_MAX_AGE_HOURS": 72,
}


class PrismSettings:
    """Attribute access to ``settings.PRISM`` with defaults, cached until changed."""

    def __init__(self, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._cached: set[str] = set()

    @property
    def user_settings(self) -> dict[str, Any]:
        if not hasattr(self, "_user_settings"):
            from django.conf import settings

            self._user_settings = getattr(settings, "PRISM", {}) or {}
        return self._user_settings

    def __getattr__(self, name: str) -> Any:
        if name not in self.defaults:
            raise AttributeError(f"Unknown PRISM setting: {name!r}")
        value = self.user_settings.get(name, self.defaults[name])
        if value in ("", None) and self.defaults[name] not in ("", None):
            value = self.defaults[name]
        self._cached.add(name)
        setattr(self, name, value)
        return value

    @property
    def footer(self) -> str:
        """The copyright footer for the configured publisher."""
        return self.FOOTER_TEMPLATE.format(publisher=self.PUBLISHER)

    def reload(self) -> None:
        for name in self._cached:
            delattr(self, name)
        self._cached.clear()
        if hasattr(self, "_user_settings"):
            del self._user_settings


prism_settings = PrismSettings(DEFAULTS)


@receiver(setting_changed)
def reload_prism_settings(*, setting: str, **kwargs: Any) -> None:
    if setting == "PRISM":
        prism_settings.reload()
