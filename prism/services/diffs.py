"""Word-level diffs of briefing snapshots, readable for Korean text.

Text is split into words (runs of letters and digits, which keeps a Korean word and
its particles together: "반도체가"), single punctuation marks and whitespace runs;
difflib then aligns the token lists, so a change shows as whole words struck out and
inserted rather than as scattered syllables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Whitespace runs, words and punctuation marks; joined they give ``text``."""
    return TOKEN_RE.findall(text or "")


@dataclass(frozen=True)
class DiffOp:
    """One run of the diff: "equal", "delete" or "insert" with its text."""

    kind: str
    text: str


def _trivial(tokens: list[str]) -> bool:
    """Only spaces and punctuation: not worth showing as kept text inside a change."""
    return all(not any(ch.isalnum() for ch in token) for token in tokens)


def word_diff(old: str, new: str) -> list[DiffOp]:
    """The token-level edit script from ``old`` to ``new``.

    Spaces and punctuation that happen to match inside a rewritten passage are
    folded into the change, so a rewrite reads as one struck-out and one inserted
    run instead of word salad.
    """
    a, b = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    chunks = [
        ("equal" if tag == "equal" else "change", a[i1:i2], b[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    merged: list[list] = []
    for index, (kind, old_tokens, new_tokens) in enumerate(chunks):
        between_changes = (
            0 < index < len(chunks) - 1
            and chunks[index - 1][0] == "change"
            and chunks[index + 1][0] == "change"
        )
        if kind == "equal" and between_changes and _trivial(old_tokens):
            kind = "change"
        if kind == "change" and merged and merged[-1][0] == "change":
            merged[-1][1] += old_tokens
            merged[-1][2] += new_tokens
        else:
            merged.append([kind, list(old_tokens), list(new_tokens)])
    ops: list[DiffOp] = []
    for kind, old_tokens, new_tokens in merged:
        if kind == "equal":
            ops.append(DiffOp("equal", "".join(old_tokens)))
            continue
        if old_tokens:
            ops.append(DiffOp("delete", "".join(old_tokens)))
        if new_tokens:
            ops.append(DiffOp("insert", "".join(new_tokens)))
    return ops


def diff_html(old: str, new: str) -> SafeString:
    """``<del>``/``<ins>`` markup of the word diff, with every text escaped."""
    parts = []
    for op in word_diff(old, new):
        text = escape(op.text).replace("\n", "<br>")
        if op.kind == "equal":
            parts.append(text)
        elif op.kind == "delete":
            parts.append(f'<del class="prism-del">{text}</del>')
        else:
            parts.append(f'<ins class="prism-ins">{text}</ins>')
    # Built from escaped pieces only; the sole markup is our own <del>/<ins>/<br>.
    return mark_safe("".join(parts))  # noqa: S308  # nosec


@dataclass(frozen=True)
class PartDiff:
    """One part of the briefing (e.g. "3번 기사 핵심 요약") compared."""

    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def html(self) -> SafeString:
        return diff_html(self.old, self.new)


def _content_parts(content: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, label, text) for every comparable part of a snapshot, in reading order."""
    parts = [
        ("headline", "제목", content.get("headline", "")),
        ("header_line", "머리글", content.get("header_line", "")),
        ("editors_note", "편집자 주", content.get("editors_note", "")),
        ("lead", "리드", content.get("lead", "")),
    ]
    for s in content.get("sections", []):
        position = s["position"]
        parts.append((f"s{position}.heading", f"주제 {position} 제목", s["heading"]))
        parts.append((f"s{position}.body", f"주제 {position} 본문", s["body"]))
    for item in content.get("items", []):
        rank = item["rank"]
        group = "관심" if item.get("group") == "interest" else "참고"
        parts.append(
            (f"i{rank}.headline", f"{rank}번 기사({group}) 제목", item["headline"])
        )
        parts.append((f"i{rank}.summary", f"{rank}번 기사 핵심 요약", item["summary"]))
    parts += [
        ("keywords", "키워드 TOP 5", ", ".join(content.get("keywords", []))),
        ("correction_note", "정정 안내", content.get("correction_note", "")),
        ("footer", "저작권 문구", content.get("footer", "")),
    ]
    return parts


def snapshot_diff(old: dict[str, Any], new: dict[str, Any]) -> list[PartDiff]:
    """Every part of two snapshots side by side (parts missing on one side are "")."""
    old_parts = {key: (label, text) for key, label, text in _content_parts(old)}
    new_parts = {key: (label, text) for key, label, text in _content_parts(new)}
    keys = list(old_parts)
    keys += [key for key in new_parts if key not in old_parts]
    return [
        PartDiff(
            label=(new_parts.get(key) or old_parts[key])[0],
            old=old_parts.get(key, ("", ""))[1],
            new=new_parts.get(key, ("", ""))[1],
        )
        for key in keys
    ]
