"""Writing a benchmark's results into its section of BENCHMARKS.md."""

from __future__ import annotations

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def write_section(title: str, body: str, *, keep_from: str | None = None) -> None:
    """Replace (or append) the section headed ``title``, leaving the others alone.

    With ``keep_from`` (say "Reading it:"), the hand-written notes that start with
    that line at the end of the old section are kept after the new results.
    """
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else ""
    if not text:
        text = "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## |\Z)", re.M | re.S)
    old = pattern.search(text)
    notes = ""
    if old and keep_from and (start := old.group(0).find(f"\n{keep_from}\n")) >= 0:
        notes = "\n" + old.group(0)[start:].strip() + "\n"
    section = f"{title}\n\n{body.strip()}\n{notes}"
    if old:
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    BENCHMARKS.write_text(text, encoding="utf-8")
