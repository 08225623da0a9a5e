"""Selection + composition for 16 reader types over pools of 100 to 10,000 articles.

Builds a throwaway SQLite database, fills it with synthetic Korean articles (sentences
of the bundled sample corpus recombined into stories of 1-8 articles, with invented
company names and shuffled figures) and a precomputed 핵심 요약 for each, then times
what one edition's generation does for 16 reader types (the 14 defaults plus two
more), in one process as ``prism_generate --sync`` runs it:

* index: tokenizing the pool with konlpy (once per process; cached per article),
  BM25 statistics and story detection;
* select + compose: scoring, MMR, 관련기사, themes, lead, sections, keywords for each
  reader type (the six articles' full texts are tagged here);
* the same edition again after the index was stored (as the worker does after each
  import), cold caches: what the morning's generation costs in production.

The JVM is started and warmed up before timing. Prints a table and writes it to the
"## Briefing generation" section of BENCHMARKS.md (``--no-write`` to skip).

    .venv/bin/python bench/generation_scale.py [--sizes 100 1000 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import BENCHMARKS, write_section  # noqa: E402

SECTION = "## Briefing generation"
SAMPLE = ROOT / "prism" / "sample_data" / "articles.jsonl"
EDITION = dt.date(2030, 3, 14)
READER_TYPES = 16
ENTITIES = [
    "세진반도체", "한결에너지솔루션", "대륜자동차", "대양중공업", "한누리텔레콤",
    "모아핀", "루멘바이오", "온솔AI", "바로마켓", "새봄리테일", "한빛경제연구소",
    "새길증권", "한울투자증권", "잡브릿지", "코드잡",
]  # fmt: skip
SYLLABLES = "가나다라마바사아자차카타파하강남동서한빛솔누리온결륜양진봄길울"
SUFFIXES = ["전자", "바이오", "테크", "중공업", "증권", "모빌리티", "에너지", "랩스"]
EXTRA_TYPES = [
    {
        "slug": "bench-logistics",
        "name": "물류·유통 실무자",
        "interests": {"물류": 3.0, "배송": 2.5, "유통": 2.0, "해외직구": 2.0},
        "preferred_sections": ["유통·소비", "산업"],
    },
    {
        "slug": "bench-energy",
        "name": "에너지 업계 종사자",
        "interests": {"전력": 3.0, "배터리": 2.5, "데이터센터": 2.0, "탄소": 2.0},
        "preferred_sections": ["산업", "국제"],
    },
]


def setup_django(directory: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    os.environ["PRISM_SQLITE_PATH"] = str(directory / "bench.sqlite3")
    os.environ["PRISM_VAR_DIR"] = str(directory)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Synthesizer:
    """Synthetic articles: sample sentences recombined into stories."""

    def __init__(self, seed: int = 7) -> None:
        from prism.nlp.sentences import split_sentences

        self.rng = random.Random(seed)
        self.sources = []
        for line in SAMPLE.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            sentences = [
                s.text
                for s in split_sentences(record["body"])
                if len(s.text) > 25 and "기자" not in s.text and "사진" not in s.text
            ]
            self.sources.append((record, sentences))

    def name(self) -> str:
        rng = self.rng
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        return stem + rng.choice(SUFFIXES)

    def figures(self, text: str) -> str:
        return re.sub(
            r"\d+",
            lambda m: str(max(1, int(m.group()) + self.rng.randint(-9, 9))),
            text,
        )

    def story(self, size: int) -> list[dict]:
        """``size`` articles on one invented event (same entities, shared facts)."""
        record, sentences = self.rng.choice(self.sources)
        swaps = {entity: self.name() for entity in ENTITIES}
        shared = self.rng.sample(sentences, k=min(len(sentences), 6))
        articles = []
        for _ in range(size):
            own = self.rng.sample(sentences, k=min(len(sentences), 4))
            other = self.rng.choice(self.sources)[1]
            extra = self.rng.sample(other, k=min(len(other), 2))
            body = " ".join(dict.fromkeys([*shared[:4], *own, *extra]))
            headline = record["headline"]
            for entity, swap in swaps.items():
                body = body.replace(entity, swap)
                headline = headline.replace(entity, swap)
            articles.append(
                {
                    "headline": self.figures(headline),
                    "body": self.figures(body),
                    "section": record["section"],
                    "subsection": record["subsection"],
                    "summary": " ".join(self.figures(s) for s in shared[:3]),
                }
            )
        return articles

    def articles(self, count: int) -> list[dict]:
        result: list[dict] = []
        while len(result) < count:
            size = min(count - len(result), self.rng.choice([1, 1, 1, 2, 2, 3, 5, 8]))
            result.extend(self.story(size))
        return result


def populate(count: int) -> None:
    """Replace the database's articles with ``count`` synthetic ones and summaries."""
    from django.db import transaction
    from django.utils import timezone

    from prism.models import Article, ArticleSummary
    from prism.services.selection import edition_window

    window = edition_window(EDITION)
    span = (window.end - window.start).total_seconds()
    rng = random.Random(count)
    with transaction.atomic():
        ArticleSummary.objects.all().delete()
        Article.objects.all().delete()
        records = Synthesizer(seed=count).articles(count)
        articles = Article.objects.bulk_create(
            [
                Article(
                    source="bench",
                    headline=r["headline"][:500],
                    section=r["section"],
                    subsection=r["subsection"],
                    published_at=window.start
                    + dt.timedelta(seconds=rng.uniform(0, span - 1)),
                    body_raw=r["body"],
                    body=r["body"],
                    content_hash=hashlib.sha256(
                        f"{number}:{r['body']}".encode()
                    ).hexdigest(),
                )
                for number, r in enumerate(records)
            ],
            batch_size=500,
        )
        ArticleSummary.objects.bulk_create(
            [
                ArticleSummary(
                    article=article,
                    backend="extractive",
                    text=record["summary"],
                    created_at=timezone.now(),
                )
                for article, record in zip(articles, records, strict=True)
            ],
            batch_size=500,
        )


def reader_types():
    from prism.models import ReaderType

    for extra in EXTRA_TYPES:
        ReaderType.objects.get_or_create(slug=extra["slug"], defaults=extra)
    found = list(ReaderType.objects.filter(is_active=True)[:READER_TYPES])
    assert len(found) == READER_TYPES, len(found)
    return found


def warm_up() -> float:
    """Start the JVM and let its JIT settle, so pools are timed at steady speed."""
    from prism.conf import prism_settings
    from prism.nlp.tokens import get_tokenizer

    started = time.perf_counter()
    tokenizer = get_tokenizer(prism_settings.TOKENIZER)
    text = SAMPLE.read_text(encoding="utf-8")[:4000]
    for _ in range(60):
        tokenizer.pos(text[:800])
    return time.perf_counter() - started


def edition(pool, types) -> int:
    """Select and compose every reader type's briefing on ``pool``; items made."""
    from prism.services.composition import briefing_compose
    from prism.services.selection import briefing_select

    items = 0
    for reader_type in types:
        chosen = briefing_select(
            reader_type=reader_type, edition_date=EDITION, pool=pool
        )
        items += len(briefing_compose(selection=chosen).items)
    return items


def cold_pool():
    """The edition's pool built afresh, as a new worker process would."""
    from prism.services import composition, selection

    selection.clear_caches()
    composition.clear_caches()
    return selection.candidate_pool(EDITION)


def measure(count: int, types) -> dict:
    """Time one edition over a pool of ``count`` articles, cold caches."""
    from prism.models import Article
    from prism.services.selection import articles_index

    populate(count)
    clock = Clock()
    pool = cold_pool()
    index = clock.lap()
    items = edition(pool, types)
    generate = clock.lap()
    # The same again, warm: what each further reader type costs on this pool.
    edition(pool, types)
    warm = clock.lap()
    # What production does: the worker indexes articles in the background after
    # each import; the morning's generation then reads the stored index.
    indexed = articles_index(
        article_ids=list(Article.objects.values_list("pk", flat=True))
    )
    background = clock.lap()
    clock = Clock()
    stored_pool = cold_pool()
    stored_index = clock.lap()
    edition(stored_pool, types)
    stored_generate = clock.lap()
    return {
        "pool": len(pool),
        "index": index,
        "generate": generate,
        "total": (index[0] + generate[0], index[1] + generate[1]),
        "warm": warm,
        "indexed": indexed,
        "background": background,
        "stored_index": stored_index,
        "stored_total": (
            stored_index[0] + stored_generate[0],
            stored_index[1] + stored_generate[1],
        ),
        "items": items,
        "load": os.getloadavg()[0],
    }


class Clock:
    """Wall-clock and CPU seconds (all threads of the process, the JVM's too)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        lap = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return lap


def table(results: dict[int, dict], jvm: float) -> str:
    lines = [
        "| pool | index (tokenize, BM25, stories) | 16 × select + compose "
        "| **total** | warm 16 × select + compose | index read from the database "
        "| **total, stored index** | ratio | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(pair: tuple[float, float]) -> str:
        return f"{pair[0]:.1f} s ({pair[1]:.1f} s CPU)"

    for count, r in results.items():
        lines.append(
            f"| {count:,} | {cell(r['index'])} | {cell(r['generate'])} "
            f"| **{cell(r['total'])}** | {cell(r['warm'])} "
            f"| {cell(r['stored_index'])} | **{cell(r['stored_total'])}** "
            f"| {r['total'][0] / r['stored_total'][0]:.1f}× | {r['load']:.1f} |"
        )
    notes = [f"JVM start and warm-up before timing: {jvm:.1f} s."]
    if 1000 in results and 10000 in results:
        wall = results[10000]["total"][0] / results[1000]["total"][0]
        cpu = results[10000]["total"][1] / results[1000]["total"][1]
        notes.append(f"10k/1k ratio: **{wall:.1f}** wall, {cpu:.1f} CPU (target ≤ 12).")
    if 1000 in results:
        wall, cpu = results[1000]["total"]
        stored_wall, stored_cpu = results[1000]["stored_total"]
        verdict = "meets" if stored_wall < 30 else "misses"
        notes.append(
            f"16 reader types × 1,000 articles: {stored_wall:.1f} s wall, "
            f"{stored_cpu:.1f} s CPU with the index stored after import "
            f"({verdict} the 30 s target on wall time); {wall:.1f} s wall, "
            f"{cpu:.1f} s CPU when the pool must be tokenized first."
        )
    if 1000 in results and 10000 in results:
        wall = results[10000]["stored_total"][0] / results[1000]["stored_total"][0]
        notes.append(f"10k/1k ratio with the stored index: **{wall:.1f}** wall.")
    for count, r in results.items():
        notes.append(
            f"Storing the index of {count:,} articles: {r['background'][0]:.1f} s "
            "wall for the writes (the tokenizing, the *index* column's cost, was "
            "cached from the first pass; in production it is spread over the "
            "day's imports)."
        )
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prism-generation-bench-") as tmp:
        setup_django(Path(tmp))
        types = reader_types()
        jvm = warm_up()
        results = {}
        for count in args.sizes:
            results[count] = measure(count, types)
            r = results[count]
            print(
                f"{count:>6} articles: index {r['index'][0]:.1f} s, "
                f"16 × select+compose {r['generate'][0]:.1f} s, "
                f"total {r['total'][0]:.1f} s wall / {r['total'][1]:.1f} s CPU "
                f"(warm {r['warm'][0]:.1f} s, {r['items']} items, "
                f"load {r['load']:.1f}); stored index: total "
                f"{r['stored_total'][0]:.1f} s",
                flush=True,
            )
    from prism.conf import prism_settings

    body = (
        "`bench/generation_scale.py`: one edition for 16 reader types (14 defaults "
        "+ 2) over synthetic pools (sample sentences recombined into stories of 1-8 "
        "articles, invented names, shuffled figures; 핵심 요약 precomputed), in one "
        "process like `prism_generate --sync`. Cold caches for every pool size: "
        "*index* tokenizes every candidate once (konlpy "
        f"{prism_settings.TOKENIZER}, headline + first "
        "800 characters of the body), *select + compose* covers scoring, MMR, "
        "관련기사, themes, lead, sections and keywords (tagging the chosen articles' "
        "full texts). *warm* repeats the 16 reader types on the indexed pool. "
        "Then, as in production, every article's index is stored (what the "
        "worker does in the background after each import), caches are cleared "
        "and the edition is generated again reading the stored index: *total, "
        "stored index*; *ratio* is the tokenizing total over it, same run.\n\n"
        f"Machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.\n\n"
        + table(results, jvm)
    )
    print("\n" + body)
    if not args.no_write:
        write_section(SECTION, body, keep_from="Reading the numbers:")
        print(f"\nwritten to {BENCHMARKS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
