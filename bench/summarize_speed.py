"""Articles per second: PRISM extractive, Lead-3, textrankr, lexrankr, and the floor.

The floor is tagging each article once with the same tagger (Okt) and nothing else:
no summarizer that tags its input can be faster. All systems see the same articles
(the repository's sample corpus plus ../shared/samples when present). Every system
runs once to warm up (JVM JIT); then, for several rounds, the systems take turns on
each article so that background load hits them alike. The table shows the median
rate over rounds.

    .venv/bin/python bench/summarize_speed.py [--rounds 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.samples import SAMPLES, edaily_articles, sedaily_articles  # noqa: E402
from bench.summarize_quality import lexrank_probe  # noqa: E402
from prism.nlp.extractive import ExtractiveSummarizer  # noqa: E402
from prism.nlp.sentences import split_sentences  # noqa: E402
from prism.nlp.tokens import get_tokenizer  # noqa: E402

CORPUS = (
    Path(__file__).resolve().parents[1] / "prism" / "sample_data" / "articles.jsonl"
)


def articles() -> list[tuple[str, str]]:
    """(title, body) of every benchmark article."""
    with CORPUS.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    docs = [(row["headline"], row["body"]) for row in rows]
    if SAMPLES.exists():
        docs += [(a.title, a.body) for a in sedaily_articles() + edaily_articles()]
    return docs


def systems() -> dict[str, Callable[[str, str], object]]:
    okt = get_tokenizer("okt")
    prism = ExtractiveSummarizer(tokenizer="okt")

    def floor(title: str, body: str) -> object:
        return okt.pos(f"{title}\n{body}")

    def lead3(title: str, body: str) -> object:
        return split_sentences(body)[:3]

    def textrankr(title: str, body: str) -> object:
        from textrankr import TextRank

        return TextRank(okt.morphs).summarize(body, 3, verbose=False)

    def lexrankr(title: str, body: str) -> object:
        from lexrankr import LexRank

        lexrank = LexRank(okt.morphs)
        lexrank.summarize(body)
        return lexrank_probe(lexrank, 3)

    chosen = {
        "tokenization only (Okt, floor)": floor,
        "PRISM extractive (Okt)": prism.summarize,
        "Lead-3 (no tagging)": lead3,
        "textrankr 1.1 (Okt)": textrankr,
        "lexrankr 1.0 (Okt)": lexrankr,
    }
    try:
        import kiwipiepy  # noqa: F401
    except ImportError:
        return chosen
    kiwi = get_tokenizer("kiwi")
    chosen["tokenization only (Kiwi)"] = lambda title, body: kiwi.pos(
        f"{title}\n{body}"
    )
    chosen["PRISM extractive (Kiwi)"] = ExtractiveSummarizer(tokenizer="kiwi").summarize
    return chosen


def measure(rounds: int) -> tuple[int, dict[str, list[float]]]:
    """Per-round rates; systems take turns article by article (fair under load)."""
    docs = articles()
    chosen = systems()
    for system in chosen.values():  # warm-up: JVM start, JIT, imports
        for title, body in docs:
            system(title, body)
    names = list(chosen)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds):
        spent = dict.fromkeys(names, 0.0)
        for index, (title, body) in enumerate(docs):
            shift = (index + round_number) % len(names)
            for name in names[shift:] + names[:shift]:
                started = time.perf_counter()
                chosen[name](title, body)
                spent[name] += time.perf_counter() - started
        for name in names:
            rates[name].append(len(docs) / spent[name])
    return len(docs), rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    count, rates = measure(args.rounds)
    median = {name: statistics.median(values) for name, values in rates.items()}
    floor = median["tokenization only (Okt, floor)"]
    print(f"{count} articles, median of {args.rounds} rounds\n")
    print("| system | articles/s | × Okt floor |")
    print("|---|---:|---:|")
    for name, rate in median.items():
        print(f"| {name} | {rate:.1f} | {rate / floor:.2f} |")
    prism = median["PRISM extractive (Okt)"]
    peers = [r for n, r in median.items() if n.startswith(("textrankr", "lexrankr"))]
    print(
        f"\nPRISM / floor = {prism / floor:.2f} (target >= 0.8); "
        f"PRISM / fastest tagging peer = {prism / max(peers):.2f} (target > 1)"
    )
    if args.json:
        args.json.write_text(json.dumps({"articles": count, "rates": rates}, indent=2))


if __name__ == "__main__":
    main()
