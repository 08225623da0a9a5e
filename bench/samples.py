"""Load the real sample articles in ../shared/samples for benchmarks and eyeballing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples"
DACON_DEV = SHARED / "eval" / "dacon_dev.jsonl"
DATELINE = re.compile(r"^(.*?)\s(\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2})(.*)$")


@dataclass
class SampleArticle:
    id: str
    title: str
    body: str


def sedaily_articles(
    path: Path = SAMPLES / "sedaily_articles.txt",
) -> list[SampleArticle]:
    """Headline and body of each article in the sedaily site dump."""
    lines = path.read_text(encoding="utf-8").splitlines()
    articles: list[SampleArticle] = []
    for i, line in enumerate(lines):
        match = DATELINE.match(line)
        if not match or i == 0:
            continue
        body = match.group(3).strip()
        body = re.sub(r"\s-$", "", body)  # the dump's article separator
        articles.append(
            SampleArticle(f"sedaily-{len(articles) + 1}", lines[i - 1], body)
        )
    return articles


def edaily_articles(
    path: Path = SAMPLES / "edaily_search_results.txt",
) -> list[SampleArticle]:
    """Headline and body pairs of the edaily search-result page."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    articles: list[SampleArticle] = []
    for head, body in zip(lines, lines[1:], strict=False):
        if head.startswith("- ") and body.startswith("- [이데일리"):
            articles.append(
                SampleArticle(f"edaily-{len(articles) + 1}", head[2:], body[2:])
            )
    return articles


def dacon_dev(path: Path = DACON_DEV) -> list[dict]:
    """The labelled development set (sentences, gold extractive and abstractive)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
