"""ROUGE of PRISM's extractive summarizer against Lead-3, textrankr and lexrankr.

Data: ../shared/eval/dacon_dev.jsonl (labelled Korean news; never copied into the repo).
Every system gets the article as one text (sentences joined by spaces) and returns
three sentences; ROUGE-1/2/L F1 is computed on Okt morphemes (rouge-score's default
tokenizer deletes Hangul) against both references: the labellers' three extracted
sentences and their one-sentence written summary.

    .venv/bin/python bench/summarize_quality.py [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rouge_score import rouge_scorer  # noqa: E402

from bench.samples import dacon_dev  # noqa: E402
from prism.nlp.summarize import get_summarizer  # noqa: E402
from prism.nlp.tokens import get_tokenizer  # noqa: E402

METRICS = ("rouge1", "rouge2", "rougeL")
PRISM = "PRISM extractive (Okt)"


class MorphemeTokenizer:
    """rouge-score tokenizer that keeps Hangul: Okt morphemes without punctuation."""

    def __init__(self) -> None:
        self.okt = get_tokenizer("okt")

    def tokenize(self, text: str) -> list[str]:
        return [form for form, tag in self.okt.pos(text) if tag != "Punctuation"]


def systems() -> dict[str, callable]:
    """name -> function(sentences) returning the summary's sentences."""
    okt = get_tokenizer("okt")
    prism = get_summarizer("extractive")

    def prism_extractive(sentences: list[str]) -> list[str]:
        return [s.text for s in prism.summarize("", " ".join(sentences)).sentences]

    def lead3(sentences: list[str]) -> list[str]:
        return sentences[:3]

    def textrankr(sentences: list[str]) -> list[str]:
        from textrankr import TextRank

        return TextRank(okt.morphs).summarize(" ".join(sentences), 3, verbose=False)

    def lexrankr(sentences: list[str]) -> list[str]:
        from lexrankr import LexRank

        lexrank = LexRank(okt.morphs)
        lexrank.summarize(" ".join(sentences))
        return lexrank_probe(lexrank, 3)

    chosen = {
        PRISM: prism_extractive,
        "Lead-3": lead3,
        "textrankr 1.1 (Okt)": textrankr,
        "lexrankr 1.0 (Okt)": lexrankr,
    }
    try:
        import kiwipiepy  # noqa: F401
    except ImportError:
        return chosen
    kiwi = get_summarizer("extractive", tokenizer="kiwi")
    chosen["PRISM extractive (Kiwi)"] = lambda sentences: [
        s.text for s in kiwi.summarize("", " ".join(sentences)).sentences
    ]
    return chosen


def lexrank_probe(lexrank, k: int) -> list[str]:
    """lexrankr 1.0's ``probe(k)`` with its bug fixed.

    In lexrankr 1.0, ``probe(k)`` raises UnboundLocalError for any ``1 <= k <= number
    of sentences`` (``effective_k`` is never set on that branch). This is the same
    round-robin over its clusters, with ``effective_k = k``.
    """
    effective_k = min(k, lexrank.max_k)
    clusters = lexrank.clusters
    summaries, steps = [], [0] * len(clusters)
    for cid, cluster in enumerate(clusters):  # one sentence from each cluster first
        if len(summaries) == effective_k:
            break
        summaries.append(cluster[0])
        steps[cid] += 1
    while len(summaries) < effective_k:
        ahead = [min(steps[c] + 1, len(cl)) / len(cl) for c, cl in enumerate(clusters)]
        cid = ahead.index(min(ahead))
        if steps[cid] >= len(clusters[cid]):
            break
        summaries.append(clusters[cid][steps[cid]])
        steps[cid] += 1
    return [s.text for s in sorted(summaries, key=lambda s: s.index)]


def evaluate() -> dict[str, dict[str, dict[str, float]]]:
    """Mean F1 per system, reference and metric."""
    scorer = rouge_scorer.RougeScorer(list(METRICS), tokenizer=MorphemeTokenizer())
    records = dacon_dev()
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, system in systems().items():
        totals = {
            ref: dict.fromkeys(METRICS, 0.0) for ref in ("extractive", "abstractive")
        }
        for record in records:
            sentences = record["article_original"]
            summary = " ".join(system(sentences))
            gold = " ".join(sentences[i] for i in sorted(record["extractive"]))
            references = {"extractive": gold, "abstractive": record["abstractive"]}
            for ref, reference in references.items():
                scores = scorer.score(reference, summary)
                for metric in METRICS:
                    totals[ref][metric] += scores[metric].fmeasure / len(records)
        results[name] = totals
    return results


def print_table(results: dict[str, dict[str, dict[str, float]]], count: int) -> None:
    print(f"ROUGE F1 on Okt morphemes, {count} articles (dacon_dev.jsonl), k=3\n")
    for ref in ("extractive", "abstractive"):
        print(f"reference: {ref}")
        print(
            f"| system | {' | '.join(m.replace('rouge', 'ROUGE-') for m in METRICS)} |"
        )
        print("|---|---:|---:|---:|")
        for name, totals in results.items():
            cells = " | ".join(f"{totals[ref][m]:.4f}" for m in METRICS)
            print(f"| {name} | {cells} |")
        peers = {
            n: t[ref]["rougeL"] for n, t in results.items() if not n.startswith("PRISM")
        }
        best = max(peers, key=peers.get)
        ratio = results[PRISM][ref]["rougeL"] / peers[best]
        print(f"PRISM ROUGE-L / best peer ({best}) = {ratio:.2f}x\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    results = evaluate()
    print_table(results, len(dacon_dev()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
