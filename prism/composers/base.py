"""What every composer backend provides, and how one is chosen by name."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from prism.nlp.backends import build_backend

BACKENDS = {
    "openai": "prism.composers.openai_compatible.OpenAICompatibleComposer",
    "transformers": "prism.composers.local.TransformersComposer",
}


@dataclass(frozen=True)
class ComposerRequest:
    """One prompt for one part of a briefing."""

    part: str  # "lead", "section:2", "keywords", "item:4"
    system: str
    prompt: str
    schema: dict[str, Any] | None = None  # JSON schema of the expected answer
    max_tokens: int = 800


@dataclass
class ComposerReply:
    """A model's answer and what it cost."""

    text: str
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    attempts: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


class ComposerError(RuntimeError):
    """A request failed (timeout, HTTP error, bad answer) after its retries."""


class ComposerUnavailable(ComposerError):
    """The composer cannot take requests now (circuit open, no free slot)."""


class ComposerConfigurationError(ValueError):
    """The configured composer cannot be built (unknown backend, bad URL)."""


@runtime_checkable
class Composer(Protocol):
    """A backend: ``complete()`` answers one request or raises ComposerError."""

    backend: str
    model_name: str

    def complete(self, request: ComposerRequest) -> ComposerReply: ...


_composers: dict[tuple[str, str], Composer] = {}
_lock = threading.Lock()


def get_composer(backend: str, **options: Any) -> Composer:
    """The process-wide composer for ``backend`` and ``options`` (built once)."""
    name = (backend or "").strip()
    key = (name, json.dumps(options, sort_keys=True, default=repr))
    with _lock:
        composer = _composers.get(key)
        if composer is None:
            composer = _composers[key] = _build(name, options)
        return composer


def clear_composers() -> None:
    """Forget cached composers (tests, settings changes)."""
    with _lock:
        _composers.clear()


def _build(name: str, options: dict[str, Any]) -> Composer:
    return build_backend(
        name,
        options,
        backends=BACKENDS,
        kind="composer",
        protocol=Composer,
        error=ComposerConfigurationError,
        unknown_hint=(
            "use 'extractive', 'openai', 'transformers' or the dotted path of a "
            "class with complete()."
        ),
        protocol_hint="backend, model_name and complete()",
    )
