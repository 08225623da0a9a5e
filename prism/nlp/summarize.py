"""One summarization interface over the extractive and transformers backends.

``summarize(title, body)`` returns a :class:`Summary`; the backend is chosen by name
(``"extractive"``, ``"transformers"``) or by the dotted path of a user class that
follows the :class:`Summarizer` protocol. Backends are built lazily and cached per
process per configuration, so a model is loaded at most once per worker.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from prism.nlp.backends import build_backend
from prism.nlp.sentences import Sentence

BACKENDS = {
    "extractive": "prism.nlp.extractive.ExtractiveSummarizer",
    "transformers": "prism.nlp.abstractive.TransformersSummarizer",
    # The generative composer's summary prompt with the grounding check.
    "composer": "prism.composers.summarizer.ComposerSummarizer",
}


@dataclass
class Summary:
    """A 핵심 요약 and where it came from.

    ``sentences`` cite the source: for extractive summaries ``body[s.start:s.end] ==
    s.text``; for generated sentences the offsets point at the body sentence that
    supports the generated one best (``-1`` when none does).
    """

    text: str
    sentences: list[Sentence]
    keywords: list[str]
    backend: str
    model_name: str = ""
    model_version: str = ""
    duration_ms: int = 0
    fallback_reason: str = ""

    @property
    def offsets(self) -> list[tuple[int, int]]:
        return [(sentence.start, sentence.end) for sentence in self.sentences]


@runtime_checkable
class Summarizer(Protocol):
    """What every summarization backend provides."""

    backend: str
    model_name: str
    model_version: str

    def summarize(self, title: str, body: str, n_sentences: int = 3) -> Summary: ...

    def summarize_batch(
        self, documents: Sequence[tuple[str, str]], n_sentences: int = 3
    ) -> list[Summary]: ...


class SummarizerConfigurationError(ValueError):
    """The configured summarizer backend cannot be built."""


_summarizers: dict[tuple[str, str], Summarizer] = {}
_lock = threading.Lock()


def get_summarizer(backend: str = "extractive", **options: Any) -> Summarizer:
    """The process-wide summarizer for ``backend`` and ``options`` (built once)."""
    name = (backend or "extractive").strip()
    key = (name, json.dumps(options, sort_keys=True, default=repr))
    with _lock:
        summarizer = _summarizers.get(key)
        if summarizer is None:
            summarizer = _summarizers[key] = _build(name, options)
        return summarizer


def summarize(
    title: str,
    body: str,
    n_sentences: int = 3,
    backend: str = "extractive",
    **options: Any,
) -> Summary:
    """Summarize one article with the (cached) summarizer for ``backend``."""
    return get_summarizer(backend, **options).summarize(title, body, n_sentences)


def clear_summarizers() -> None:
    """Forget cached summarizers (tests, settings changes)."""
    with _lock:
        _summarizers.clear()


def _build(name: str, options: dict[str, Any]) -> Summarizer:
    return build_backend(
        name,
        options,
        backends=BACKENDS,
        kind="summarizer",
        protocol=Summarizer,
        error=SummarizerConfigurationError,
        unknown_hint=(
            "use 'extractive', 'transformers' or the dotted path of a class such "
            "as 'myproject.summaries.MySummarizer'."
        ),
        protocol_hint=(
            "backend, model_name, model_version, summarize() and summarize_batch()"
        ),
    )
