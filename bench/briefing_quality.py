"""Briefing quality on real input: the quality report's counts for every reader type.

Two corpora, each in a throwaway SQLite database of its own process:

* ``real``: the three real article dumps in ../shared/samples (read in place),
  undated records dated ``--published-at 2025-04-15T05:00``, edition 2025-04-15;
* ``demo``: the bundled sample corpus, dated so that its last day is today, and
  today's edition (what ``make demo`` shows).

Every active reader type is generated (``prism_generate --sync``'s path). Printed per
briefing: items, the quality report's findings (hard / all, by check) and seconds;
per corpus: mean findings per briefing, the mean pairwise overlap of the item sets
and the generation time. ``--baseline-rev REV`` also times generating the demo
corpus with that commit (checked out into a temporary worktree) in the same run, so
the time is a ratio on the same machine. Writes the "## Briefing quality" section of
BENCHMARKS.md and full text exports to bench/results/ (``--no-write`` to skip).

    .venv/bin/python bench/briefing_quality.py [--baseline-rev REV]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECTION = "## Briefing quality"
SAMPLES = ROOT.parent / "shared" / "samples"
DUMPS = ("sedaily_articles.txt", "edaily_search_results.txt", "sedaily_leads.txt")
REAL_EDITION = dt.date(2025, 4, 15)
RESULTS = ROOT / "bench" / "results"
EXPORTS = {"real": ("ceo", "startup-founder", "new-employee"), "demo": ("ceo",)}


def setup_django(directory: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    os.environ["PRISM_SQLITE_PATH"] = str(directory / "bench.sqlite3")
    os.environ["PRISM_VAR_DIR"] = str(directory)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(corpus: str) -> dt.date:
    from django.core.management import call_command

    if corpus == "real":
        paths = [str(SAMPLES / name) for name in DUMPS]
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise SystemExit(f"real dumps not found: {', '.join(missing)}")
        args = [*paths, "--published-at", "2025-04-15T05:00"]
        call_command("prism_import", *args, verbosity=0)
        return REAL_EDITION
    from django.utils import timezone

    from prism.services.demo import demo_corpus_import

    today = timezone.localdate()
    demo_corpus_import(edition_date=today)
    return today


def run_corpus(corpus: str, *, timing_only: bool = False) -> dict:
    """Import, generate every reader type, report (in this process)."""
    with tempfile.TemporaryDirectory() as directory:
        setup_django(Path(directory))
        from prism.models import Briefing
        from prism.services.generation import (
            generation_run_create,
            generation_run_execute,
        )
        from prism.services.render import briefing_render_text

        edition = load(corpus)
        from prism.nlp.tokens import get_tokenizer

        get_tokenizer("okt").pos("준비")  # start the JVM before timing
        started = time.perf_counter()
        run = generation_run_execute(generation_run_create(edition_date=edition))
        seconds = time.perf_counter() - started
        if timing_only:
            return {"corpus": corpus, "seconds": seconds}
        rows, sets, texts = [], [], {}
        briefings = Briefing.objects.filter(edition_date=edition).select_related(
            "reader_type"
        )
        for briefing in briefings.order_by("reader_type__ordering"):
            findings = list(getattr(briefing, "quality_findings", []) or [])
            items = list(briefing.items.values_list("article_id", flat=True))
            sets.append(set(items))
            entry = run.progress.get(briefing.reader_type.slug, {})
            rows.append(
                {
                    "reader_type": briefing.reader_type.name,
                    "items": len(items),
                    "hard": sum(1 for f in findings if f.get("severity") == "hard"),
                    "findings": len(findings),
                    "checks": dict(Counter(f.get("check") for f in findings)),
                    "seconds": entry.get("seconds", 0.0),
                }
            )
            if briefing.reader_type.slug in EXPORTS[corpus]:
                texts[briefing.reader_type.slug] = briefing_render_text(briefing)
        from prism.services.selection import mean_pairwise_overlap

        return {
            "corpus": corpus,
            "seconds": seconds,
            "rows": rows,
            "overlap": mean_pairwise_overlap(sets),
            "texts": texts,
        }


def child(args: list[str], *, pythonpath: Path | None = None) -> dict:
    """Run one corpus in a fresh process (own database, own Django setup)."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    script = Path(__file__).resolve()
    out = subprocess.run(
        [sys.executable, str(script), *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=pythonpath or ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_seconds(rev: str) -> float:
    """Generation time of the demo corpus with commit ``rev`` (temporary worktree)."""
    with tempfile.TemporaryDirectory() as directory:
        tree = Path(directory) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), rev],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            (tree / "bench" / "briefing_quality.py").write_text(
                Path(__file__).read_text(encoding="utf-8"), encoding="utf-8"
            )
            return child(["--corpus", "demo", "--timing-only"], pythonpath=tree)[
                "seconds"
            ]
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)],
                cwd=ROOT,
                check=False,
                capture_output=True,
            )


def table(result: dict) -> list[str]:
    lines = [
        f"### {result['corpus']} corpus",
        "",
        "| reader type | items | findings (hard) | checks | seconds |",
        "|---|---:|---:|---|---:|",
    ]
    for row in result["rows"]:
        checks = ", ".join(f"{k} {v}" for k, v in sorted(row["checks"].items()))
        lines.append(
            f"| {row['reader_type']} | {row['items']} | {row['findings']} "
            f"({row['hard']}) | {checks or '-'} | {row['seconds']:.2f} |"
        )
    count = len(result["rows"]) or 1
    mean = sum(r["findings"] for r in result["rows"]) / count
    hard = sum(r["hard"] for r in result["rows"]) / count
    six = sum(1 for r in result["rows"] if r["items"] == 6)
    lines += [
        "",
        f"- briefings with six items: {six}/{len(result['rows'])}",
        f"- findings per briefing: {mean:.2f} (hard {hard:.2f})",
        f"- mean pairwise overlap of item sets: {result['overlap']:.3f}",
        f"- generation of all reader types: {result['seconds']:.1f} s",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["real", "demo"])
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument("--baseline-rev")
    parser.add_argument("--no-write", action="store_true")
    options = parser.parse_args()
    if options.corpus:
        result = run_corpus(options.corpus, timing_only=options.timing_only)
        print(json.dumps(result, ensure_ascii=False))
        return
    results = [child(["--corpus", "real"]), child(["--corpus", "demo"])]
    lines = [
        f"Command: `.venv/bin/python bench/briefing_quality.py"
        f"{' --baseline-rev ' + options.baseline_rev if options.baseline_rev else ''}`"
        f" — machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {dt.date.today():%Y-%m-%d}.",
        "",
    ]
    for result in results:
        lines += [*table(result), ""]
    if options.baseline_rev:
        base = baseline_seconds(options.baseline_rev)
        demo = results[1]["seconds"]
        lines.append(
            f"Demo corpus generation, same run: {demo:.1f} s now vs {base:.1f} s at "
            f"`{options.baseline_rev}` ({demo / base:.2f}x)."
        )
    report = "\n".join(lines)
    print(report)
    if options.no_write:
        return
    from bench.report import write_section

    write_section(SECTION, report, keep_from="Reading it:")
    RESULTS.mkdir(exist_ok=True)
    for result in results:
        for slug, text in result["texts"].items():
            path = RESULTS / f"briefing_{result['corpus']}_{slug}.txt"
            path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
