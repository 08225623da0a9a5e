"""What the generative composer costs: concurrency across reader types, grounding CPU.

Starts the scripted chat-completions server (tests/llm_server.py) answering every
request after a fixed delay (800 ms by default) with paraphrased source sentences,
builds a throwaway SQLite database with the demo corpus and 16 reader types, selects
and composes every reader type's extractive draft once (not timed), then times
``compose_generative`` for all 16 (five requests each: lead, three sections,
keywords):

* **one at a time**: reader types one after the other, one request in flight;
* **capped**: the 16 reader types at once (one thread each, as 16 django-q
  workers would be), the composer's concurrency cap at ``--concurrency`` (8).

It also reports the grounding check's CPU time per briefing against the briefing's
generation time (the one-at-a-time run, where nothing else competes for the CPU).

    .venv/bin/python bench/composer_cost.py [--delay 0.8] [--concurrency 8]
        [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generation_scale import reader_types, setup_django, warm_up  # noqa: E402
from bench.report import write_section  # noqa: E402

SECTION = "## Generative composer cost"
SERVER = ROOT / "tests" / "llm_server.py"


def start_server(delay: float) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--delay", str(delay), "--mode", "paraphrase"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    assert line.startswith("PORT "), line
    return process, f"http://127.0.0.1:{line.split()[1]}/v1"


def drafts(edition_date: dt.date):
    """(selection, extractive composition) for each of the 16 reader types."""
    from prism.services.composition import briefing_compose, item_summary
    from prism.services.selection import briefing_select

    prepared = []
    for reader_type in reader_types():
        selection = briefing_select(reader_type=reader_type, edition_date=edition_date)
        summaries = {i.article.pk: item_summary(i.article) for i in selection.items}
        composition = briefing_compose(selection=selection, summaries=summaries)
        prepared.append((selection, composition))
    return prepared


def warm_up_grounding(checker, prepared) -> None:
    """Let Komoran's JIT settle (a worker checks all morning), on other sentences."""
    from prism.nlp.grounding import SourceDocument

    for _, composition in prepared[:4]:
        for item in composition.items:
            source = SourceDocument(0, item.headline, item.article.body)
            checker.check(item.article.body[:600], [source])


def configure(url: str, concurrency: int, parallel_parts: int, lock_dir: str) -> None:
    from django.conf import settings

    from prism.composers.base import clear_composers
    from prism.conf import prism_settings

    settings.PRISM = {
        **settings.PRISM,
        "COMPOSER_BACKEND": "openai",
        "COMPOSER_OPTIONS": {
            "base_url": url,
            "model": "scripted-800ms",
            "timeout": 30,
            "concurrency": concurrency,
            "parallel_parts": parallel_parts,
            "lock_dir": lock_dir,
        },
    }
    prism_settings.reload()
    clear_composers()


def compose_all(prepared, workers: int) -> tuple[float, list[dict]]:
    from prism.services.composers import compose_generative

    def one(pair):
        selection, composition = pair
        return compose_generative(selection=selection, composition=composition)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, prepared))
    return time.perf_counter() - started, [r.composer for r in results]


def summary(seconds: float, composers: list[dict]) -> dict:
    usage = [c["usage"] for c in composers]
    parts = [p for c in composers for p in c["parts"].values()]
    return {
        "seconds": seconds,
        "requests": sum(u["requests"] for u in usage),
        "model_parts": sum(1 for p in parts if p["written_by"] == "model"),
        "parts": len(parts),
        "briefing_seconds": statistics.mean(u["seconds"] for u in usage),
        "grounding_cpu": statistics.mean(u["grounding_cpu_seconds"] for u in usage),
        "fallbacks": sorted(
            {p.get("fallback_reason", "") for p in parts if p["written_by"] != "model"}
        ),
    }


def report(args, one: dict, capped: dict, peak: int) -> str:
    speedup = one["seconds"] / capped["seconds"]
    share = one["grounding_cpu"] / one["briefing_seconds"]
    lines = [
        f"Command: `.venv/bin/python bench/composer_cost.py --delay {args.delay} "
        f"--concurrency {args.concurrency}` on {platform.machine()} "
        f"({os.cpu_count()} CPUs, shared), Python {platform.python_version()}; "
        "scripted OpenAI-compatible server (tests/llm_server.py) answering each "
        f"request after {args.delay * 1000:.0f} ms with paraphrased source "
        "sentences; demo corpus, 16 reader types, 5 requests per briefing.",
        "",
        "| run | wall time | requests | parts written by the model | speed-up |",
        "|---|---|---|---|---|",
        f"| one at a time | {one['seconds']:.1f} s | {one['requests']} | "
        f"{one['model_parts']}/{one['parts']} | 1.0× |",
        f"| 16 at once, cap {args.concurrency} (peak in flight: {peak}) | "
        f"{capped['seconds']:.1f} s | {capped['requests']} | "
        f"{capped['model_parts']}/{capped['parts']} | {speedup:.1f}× (target ≥ 4×) |",
        "",
        "| per briefing (one at a time) | |",
        "|---|---|",
        f"| generation time (5 requests) | {one['briefing_seconds']:.2f} s |",
        f"| grounding check CPU | {one['grounding_cpu'] * 1000:.0f} ms "
        f"({share:.1%} of generation time; target < 10%) |",
    ]
    if one["fallbacks"]:
        lines += ["", "Parts that kept their extractive text:"]
        lines += [f"- {reason}" for reason in one["fallbacks"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave BENCHMARKS.md"
    )
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="prism-composer-bench-"))
    setup_django(directory)
    from django.utils import timezone

    from prism.services.composers import SERVICE_OPTIONS, grounding_checker
    from prism.services.demo import demo_corpus_import

    # A past edition, like the tests': its window does not depend on the clock.
    newest = timezone.localdate() - dt.timedelta(days=3)
    demo_corpus_import(edition_date=newest)
    warm_up()
    prepared = drafts(newest + dt.timedelta(days=1))
    warm_up_grounding(grounding_checker(SERVICE_OPTIONS), prepared)
    assert all(composition.items for _, composition in prepared), "empty selections"
    process, url = start_server(args.delay)
    try:
        configure(url, args.concurrency, 1, str(directory))
        one = summary(*compose_all(prepared, workers=1))
        configure(url, args.concurrency, 4, str(directory))
        from prism.composers.base import get_composer
        from prism.services.composers import composer_settings

        backend, options, _ = composer_settings()
        composer = get_composer(backend, **options)
        capped = summary(*compose_all(prepared, workers=len(prepared)))
        peak = composer.cap.peak
    finally:
        process.terminate()
        process.wait(timeout=10)
    text = report(args, one, capped, peak)
    print(text)
    if not args.no_write:
        write_section(SECTION, text, keep_from="Reading it:")


if __name__ == "__main__":
    main()
