"""How well the grounding check catches injected errors, and how often it cries wolf.

Data (read in place, never copied): ``../shared/eval/dacon_dev.jsonl`` (11 labelled
news articles) and the demo corpus ``prism/sample_data/articles.jsonl`` (64 articles,
cleaned as the importer cleans them). Faithful sentences are the articles' own
sentences (the labellers' three extracted ones for dacon, the first eight of each
demo article). Into each faithful sentence the script injects, where it can:

- a **number** error: one figure changed to a value no source sentence states;
- an **entity** error: one named entity swapped for an entity of another article
  that this article never mentions;
- a **negation**: the final predicate negated ("늘었다" -> "늘지 않았다").

Every corrupted sentence is checked against its own article; caught = judged
unsupported. False alarms are measured on the human-written ``abstractive``
summaries of dacon (faithful by construction, and compressed from several source
sentences) and on the untouched faithful sentences.

    .venv/bin/python bench/grounding.py [--no-write]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.samples import DACON_DEV, dacon_dev  # noqa: E402
from prism.ingest.clean import clean_body  # noqa: E402
from prism.nlp.grounding import (  # noqa: E402
    GroundingChecker,
    SourceDocument,
    extract_figures,
)
from prism.nlp.sentences import split_sentences  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "prism" / "sample_data" / "articles.jsonl"
DEMO_SENTENCES = 8
# Entities to swap in are names: organisations, places, companies (the demo corpus's
# invented companies are listed in its README).
NAME_SUFFIX = re.compile(
    r"(?:은행|위원회|청|부|처|공사|공단|재단|협회|연맹|노조|시|군|구|증권|전자|반도체|"
    r"그룹|연구소|연구원|대학교?|텔레콤|바이오|에너지|솔루션|자동차|중공업|리테일|마켓|"
    r"조선|건설|화학|금융|카드|보험|생명|캐피탈|센터|병원|의회|법원|검찰|통신)$"
)
INVENTED = set(
    re.findall(
        r"[가-힣A-Za-z]{2,}",
        (ROOT / "prism" / "sample_data" / "README.md")
        .read_text(encoding="utf-8")
        .split("(", 1)[1]
        .split(")", 1)[0],
    )
)
NEGATIONS = [
    (re.compile(r"했다\.$"), "하지 않았다."),
    (re.compile(r"됐다\.$"), "되지 않았다."),
    (re.compile(r"했다”"), "하지 않았다”"),
    (re.compile(r"(\S)었다\.$"), r"\1지 않았다."),
    (re.compile(r"(\S)았다\.$"), r"\1지 않았다."),
    (re.compile(r"이다\.$"), "이 아니다."),
    (re.compile(r"(\S)다\.$"), r"\1지 않는다."),
]


def documents() -> list[tuple[str, SourceDocument, list[str], list[str]]]:
    """(corpus, document, faithful sentences, human summaries) per article."""
    rows = []
    for record in dacon_dev():
        sentences = [s.strip() for s in record["article_original"] if s.strip()]
        body = " ".join(sentences)
        picked = [
            sentences[i] for i in record.get("extractive", []) if i < len(sentences)
        ]
        abstractive = (
            [record["abstractive"].strip()] if record.get("abstractive") else []
        )
        rows.append(
            ("dacon", SourceDocument(record["id"], "", body), picked, abstractive)
        )
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        body = clean_body(record["body"]).body
        sentences = [s.text for s in split_sentences(body)][:DEMO_SENTENCES]
        document = SourceDocument(record["id"], record["headline"], body)
        rows.append(("demo", document, sentences, []))
    return rows


def entity_pool(checker: GroundingChecker, rows: list) -> list[str]:
    """Names to swap in: entities of at most two articles (names, not common words)."""
    seen: dict[str, set] = {}
    for _, document, sentences, _ in rows:
        for sentence in sentences:
            for entity in checker.entities(sentence):
                if len(entity) >= 3 and not entity.isascii():
                    seen.setdefault(entity, set()).add(document.id)
    return sorted(
        entity
        for entity, ids in seen.items()
        if len(ids) <= 2 and (NAME_SUFFIX.search(entity) or entity in INVENTED)
    )


def number_error(sentence: str, rng: random.Random, source: str) -> str | None:
    """The sentence with one figure changed to one its source never states."""
    figures = [f for f in extract_figures(sentence) if f.unit and f.value >= 1]
    if not figures:
        return None
    figure = rng.choice(figures)
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", figure.text)
    if not digits:
        return None
    original = digits.group(0)
    for _ in range(10):
        value = float(original.replace(",", "")) * rng.choice([2, 3, 7, 0.5, 1.3, 11])
        replacement = f"{value:.1f}".rstrip("0").rstrip(".")
        if replacement != original and replacement not in source:
            changed = figure.text.replace(original, replacement, 1)
            return sentence.replace(figure.text, changed, 1)
    return None


def entity_error(
    sentence: str,
    checker: GroundingChecker,
    pool: list[str],
    rng: random.Random,
    source: str,
) -> str | None:
    """The sentence with one entity swapped for another article's entity."""
    entities = [e for e in checker.entities(sentence) if e in sentence]
    if not entities:
        return None
    target = rng.choice(entities)
    compact_source = re.sub(r"\s+", "", source)
    candidates = [e for e in pool if e not in compact_source and e != target]
    if not candidates:
        return None
    return sentence.replace(target, rng.choice(candidates), 1)


def negation_error(sentence: str) -> str | None:
    text = sentence.strip()
    for pattern, replacement in NEGATIONS:
        if pattern.search(text):
            return pattern.sub(replacement, text, count=1)
    return None


def run(seed: int = 7) -> dict:
    rng = random.Random(seed)
    checker = GroundingChecker()
    rows = documents()
    pool = entity_pool(checker, rows)
    counts = {
        name: {"injected": 0, "caught": 0} for name in ("number", "entity", "negation")
    }
    alarms = {
        "abstractive": {"checked": 0, "flagged": 0, "examples": []},
        "faithful": {"checked": 0, "flagged": 0, "examples": []},
    }
    misses: list[str] = []
    seconds = 0.0
    checks = 0
    for _corpus, document, sentences, summaries in rows:
        analysed = checker.analyse([document])
        source = f"{document.title} {document.body}"

        def supported(text: str, analysed=analysed) -> bool:
            nonlocal seconds, checks
            started = time.process_time()
            verdict = checker.check_sentence(text, analysed)
            seconds += time.process_time() - started
            checks += 1
            return verdict.supported

        for sentence in sentences:
            alarms["faithful"]["checked"] += 1
            if not supported(sentence):
                alarms["faithful"]["flagged"] += 1
                reasons = checker.check(sentence, [document]).unsupported
                alarms["faithful"]["examples"].append(
                    f"{sentence[:60]}… ({'; '.join(r.reason for r in reasons)})"
                )
            corrupted = {
                "number": number_error(sentence, rng, source),
                "entity": entity_error(sentence, checker, pool, rng, source),
                "negation": negation_error(sentence),
            }
            for name, text in corrupted.items():
                if not text or text == sentence:
                    continue
                counts[name]["injected"] += 1
                if not supported(text):
                    counts[name]["caught"] += 1
                elif name != "negation":
                    misses.append(f"{name}: {text[:90]}")
        for summary in summaries:
            alarms["abstractive"]["checked"] += 1
            if not supported(summary):
                alarms["abstractive"]["flagged"] += 1
                reasons = checker.check(summary, [document]).unsupported
                alarms["abstractive"]["examples"].append(
                    f"{summary[:60]}… ({'; '.join(r.reason for r in reasons)})"
                )
    return {
        "counts": counts,
        "alarms": alarms,
        "misses": misses[:10],
        "articles": len(rows),
        "ms_per_sentence": round(1000 * seconds / max(checks, 1), 2),
    }


def rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def report(result: dict) -> str:
    counts, alarms = result["counts"], result["alarms"]
    lines = [
        "Command: `.venv/bin/python bench/grounding.py` on "
        f"{platform.machine()} ({platform.system()}), Python "
        f"{platform.python_version()}, Komoran via konlpy; data: "
        f"`{DACON_DEV.relative_to(DACON_DEV.parents[2])}` (read in place) and "
        f"`prism/sample_data/articles.jsonl`, {result['articles']} articles.",
        "",
        "| injected error | sentences | caught | catch rate | target |",
        "|---|---|---|---|---|",
    ]
    targets = {"number": "≥ 95%", "entity": "≥ 95%", "negation": "(none)"}
    for name, value in counts.items():
        lines.append(
            f"| {name} | {value['injected']} | {value['caught']} | "
            f"{rate(value['caught'], value['injected'])} | {targets[name]} |"
        )
    lines += [
        "",
        "| faithful text | checked | flagged | false alarms | target |",
        "|---|---|---|---|---|",
    ]
    labels = {
        "abstractive": ("dacon human `abstractive` summaries", "≤ 5%"),
        "faithful": ("source sentences, unchanged", "—"),
    }
    for name, value in alarms.items():
        label, target = labels[name]
        lines.append(
            f"| {label} | {value['checked']} | {value['flagged']} | "
            f"{rate(value['flagged'], value['checked'])} | {target} |"
        )
    lines += ["", f"Check time: {result['ms_per_sentence']} ms CPU per sentence."]
    examples = alarms["abstractive"]["examples"]
    if examples:
        lines += ["", "Flagged human summaries:", *[f"- {e}" for e in examples]]
    examples = alarms["faithful"]["examples"]
    if examples:
        lines += ["", "Flagged source sentences:", *[f"- {e}" for e in examples]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave BENCHMARKS.md"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = run(args.seed)
    text = report(result)
    print(text)
    if result["misses"]:
        print("\nMissed (first 10):", *result["misses"], sep="\n- ")
    if not args.no_write:
        from bench.report import write_section

        write_section("## Grounding check", text, keep_from="Reading it:")


if __name__ == "__main__":
    main()
