"""Reading a JSON object out of a model's answer, tolerantly.

Servers without JSON mode (and small local models) wrap JSON in code fences, add a
sentence before it, leave a trailing comma or stop mid-object. ``parse_answer``
returns the object when one can be read, else ``None``; ``looks_like_json`` tells a
broken object from plain prose, which a caller may still use as text.
"""

from __future__ import annotations

import json
import re
from typing import Any

FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
TRAILING_COMMA = re.compile(r",\s*([}\]])")


def parse_answer(text: str) -> dict[str, Any] | None:
    """The JSON object in ``text``, or None when there is none to read."""
    if not text or not text.strip():
        return None
    candidates = [text.strip()]
    candidates += [match.group(1).strip() for match in FENCE.finditer(text)]
    block = _outermost_object(text)
    if block:
        candidates.append(block)
    for candidate in candidates:
        for attempt in (candidate, TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                value = json.loads(attempt)
            except (ValueError, RecursionError):
                continue
            if isinstance(value, dict):
                return value
    return None


def looks_like_json(text: str) -> bool:
    """True when ``text`` starts like a JSON object or a fenced block."""
    stripped = (text or "").lstrip()
    return stripped.startswith(("{", "[", "```"))


def _outermost_object(text: str) -> str:
    """The first balanced ``{...}`` in ``text`` (strings and escapes respected)."""
    start = text.find("{")
    if start < 0:
        return ""
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return ""


def strings(value: Any) -> list[str]:
    """A JSON value as a list of non-empty strings (a string becomes one item)."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [
            str(v).strip()
            for v in value
            if isinstance(v, str | int | float) and str(v).strip()
        ]
    return []
