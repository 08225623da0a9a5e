"""The shapes of a reader type's interest profile, checked and normalised.

``ReaderType.clean()`` reports every problem in Korean (the admin shows them next
to the field); pages, the API and selection read profiles through the
``normalised_*`` functions, so a value written around validation (a fixture, the
shell, an older version) degrades to the nearest valid profile instead of a 500.
"""

from __future__ import annotations

import math
from typing import Any

from prism.ingest.validation import LINE_CONTROLS

MAX_WEIGHT = 100.0
MAX_KEYWORD_CHARS = 100
MAX_INTERESTS = 200


def _is_weight(value: Any) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and math.isfinite(value) and 0 < value <= MAX_WEIGHT


def _is_label(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(value.strip())
        and len(value) <= MAX_KEYWORD_CHARS
        and not LINE_CONTROLS.search(value)
    )


def name_errors(name: str) -> list[str]:
    """Problems of a reader type's name (used in pages, feeds and mail subjects)."""
    if LINE_CONTROLS.search(name or ""):
        return ["이름에 줄바꿈이나 제어 문자를 넣을 수 없습니다."]
    return []


def interests_errors(value: Any) -> list[str]:
    """Problems of an ``interests`` value: {"키워드": 가중치, ...}."""
    if not isinstance(value, dict):
        return ['관심 키워드는 {"키워드": 가중치} 형태의 객체여야 합니다.']
    errors = []
    if len(value) > MAX_INTERESTS:
        errors.append(f"관심 키워드는 {MAX_INTERESTS}개까지 넣을 수 있습니다.")
    bad_keys = [str(key)[:20] for key in value if not _is_label(key)]
    if bad_keys:
        errors.append(
            f"키워드는 {MAX_KEYWORD_CHARS}자 이하의 한 줄 글자여야 합니다: "
            + ", ".join(repr(key) for key in bad_keys[:5])
        )
    bad_weights = [
        str(key)[:20] for key, weight in value.items() if not _is_weight(weight)
    ]
    if bad_weights:
        errors.append(
            f"가중치는 0보다 크고 {MAX_WEIGHT:g} 이하인 숫자여야 합니다"
            f'(예: {{"투자": 1.5}}): ' + ", ".join(bad_weights[:5])
        )
    return errors


def sections_errors(value: Any) -> list[str]:
    """Problems of a ``preferred_sections`` value: ["섹션", ...]."""
    if not isinstance(value, list):
        return ['선호 섹션은 글자들의 목록이어야 합니다(예: ["경제·금융", "증권"]).']
    if not all(_is_label(section) for section in value):
        return ["선호 섹션의 항목은 모두 비어 있지 않은 한 줄 글자여야 합니다."]
    return []


def normalised_interests(value: Any) -> dict[str, float]:
    """``value`` as {keyword: weight}, leaving out what is not valid.

    A plain list of keywords (an easy slip) counts each one with weight 1.
    """
    if isinstance(value, list):
        value = {item: 1.0 for item in value if isinstance(item, str | int)}
    if not isinstance(value, dict):
        return {}
    weights = {}
    for key, weight in value.items():
        if isinstance(weight, str):
            try:
                weight = float(weight)
            except ValueError:
                continue
        key = str(key).strip() if isinstance(key, str | int) else ""
        if _is_label(key) and _is_weight(weight):
            weights[key] = float(weight)
    return weights


def normalised_sections(value: Any) -> list[str]:
    """``value`` as a list of section names (a lone name becomes a list of one)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [section.strip() for section in value if _is_label(section)]
