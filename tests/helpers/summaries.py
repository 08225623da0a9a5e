"""What a summary's sentences add up to, for tests that count them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prism.nlp.extractive import CONTINUATION_MAX_CHARS


def _field(sentence: Any, name: str) -> Any:
    return sentence[name] if isinstance(sentence, dict) else getattr(sentence, name)


def makes_points(sentences: Sequence[Any], points: int) -> bool:
    """Whether ``sentences`` (``Sentence`` objects or stored dicts) make
    ``points`` points: that many sentences, or one more where a short sentence
    right after another in the article continues it ("…밝히면서다.", "다만 …")
    and makes one point with it."""
    if len(sentences) == points:
        return True
    return len(sentences) == points + 1 and any(
        _field(later, "start") - _field(earlier, "end") <= 1
        and len(_field(later, "text")) <= CONTINUATION_MAX_CHARS
        for earlier, later in zip(sentences, sentences[1:], strict=False)
    )
