"""The generative composer: model-written prose where the sources support it.

``compose_generative`` runs after the extractive composer
(:func:`prism.services.composition.briefing_compose`). With
``PRISM["COMPOSER_BACKEND"] = "extractive"`` (the default) it changes nothing.
Otherwise it asks the configured composer (:mod:`prism.composers`) to write the
lead, each theme's heading and paragraph, the keywords and optionally each item's
핵심 요약, one request per part, grouped by the sections' story clusters. Every
sentence is checked by :mod:`prism.nlp.grounding` against that part's articles:

- supported sentences are kept with their citations (article + sentence offsets);
- unsupported ones are dropped and listed in ``composition.findings``;
- a part left with too few sentences keeps its extractive version, and the reason
  is recorded (in the part's provenance and the generation notes).

A failing model (timeout, 429/5xx after retries, circuit open, malformed answers)
never stops generation: the extractive parts stay and the notes say why. Nothing
here writes to the database except the run's usage counters.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field, fields
from typing import Any

from prism.composers.base import (
    ComposerConfigurationError,
    ComposerError,
    ComposerRequest,
    get_composer,
)
from prism.composers.prompts import load_prompt
from prism.conf import prism_settings
from prism.models import Article, GenerationRun, ReaderType
from prism.nlp.grounding import GroundingChecker, SourceDocument
from prism.services.composer_records import composer_usage_record
from prism.services.composition import ComposedItem, ComposedSection, Composition
from prism.services.grounded_parts import PartPlan, PartResult, check_part

logger = logging.getLogger(__name__)

# COMPOSER_OPTIONS keys read here; the rest go to the backend.
SERVICE_OPTIONS = {
    "summaries": False,  # also rewrite each item's 핵심 요약
    "deadline": 240.0,  # seconds for all of a briefing's requests
    "parallel_parts": 4,  # a briefing's requests in flight at once
    "coverage_threshold": 0.5,
    "grounding_tokenizer": "komoran",
    "prompt_dir": "",
    "article_chars": 700,  # body characters of each article in a prompt
    "min_lead_sentences": 3,
    "min_section_sentences": 2,
    "min_summary_sentences": 2,
}
RELATED_PER_ITEM = 1


@dataclass
class GenerativeComposition(Composition):
    """A composition with the composer's provenance and grounding findings."""

    findings: list[dict[str, Any]] = field(default_factory=list)
    composer: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- settings


def composer_settings() -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(backend, backend options, service options) from PRISM's settings."""
    backend = str(prism_settings.COMPOSER_BACKEND or "extractive").strip()
    options = dict(prism_settings.COMPOSER_OPTIONS or {})
    service = {
        key: options.pop(key, default) for key, default in SERVICE_OPTIONS.items()
    }
    return backend, options, service


def composer_summarizer_options() -> dict[str, Any]:
    """Options for ``SUMMARIZER_BACKEND = "composer"``: the configured composer."""
    backend, options, service = composer_settings()
    return {
        "composer": backend,
        **options,
        "grounding_tokenizer": service["grounding_tokenizer"],
        "coverage_threshold": service["coverage_threshold"],
        "prompt_dir": service["prompt_dir"],
        "min_sentences": service["min_summary_sentences"],
    }


_checkers: dict[tuple[str, float], GroundingChecker] = {}
_checkers_lock = threading.Lock()


def grounding_checker(service: dict[str, Any]) -> GroundingChecker:
    """The process-wide grounding checker for these settings."""
    key = (str(service["grounding_tokenizer"]), float(service["coverage_threshold"]))
    with _checkers_lock:
        if key not in _checkers:
            _checkers[key] = GroundingChecker(key[0], coverage_threshold=key[1])
        return _checkers[key]


# ----------------------------------------------------------------- compose


def compose_generative(
    *,
    selection: Any,
    composition: Composition,
    run: GenerationRun | None = None,
) -> Composition:
    """``composition`` with model-written parts where grounded (see module doc)."""
    backend, options, service = composer_settings()
    result = _as_generative(composition)
    result.composer = {
        "backend": "extractive",
        "sections": {str(s.position): list(s.ranks) for s in composition.sections},
    }
    if backend == "extractive" or not composition.items:
        return result
    started = time.monotonic()
    try:
        composer = get_composer(backend, **options)
    except ComposerConfigurationError as exc:
        logger.error("composer %s cannot be built: %s", backend, exc)
        _note(result, f"AI 작성기 설정 오류로 추출 방식 초안을 만들었습니다: {exc}")
        result.composer.update(backend=backend, fallback_reason=str(exc))
        return result
    try:
        plans = plan_parts(selection.reader_type, result, service)
        results = run_parts(composer, plans, service)
        apply_parts(result, plans, results)
        _summarise(result, composer, results, time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001 - a composer fault never stops a draft
        logger.exception("generative composer failed; keeping the extractive draft")
        result = _as_generative(composition)
        reason = f"{type(exc).__name__}: {exc}"
        _note(result, f"AI 작성기 오류로 추출 방식 초안을 만들었습니다: {reason}")
        result.composer = {
            "backend": backend,
            "fallback_reason": reason,
            "sections": {str(s.position): list(s.ranks) for s in result.sections},
        }
        return result
    if run is not None:
        composer_usage_record(
            run=run, reader_type=selection.reader_type, usage=result.composer["usage"]
        )
    return result


def _as_generative(composition: Composition) -> GenerativeComposition:
    if isinstance(composition, GenerativeComposition):
        return composition
    values = {f.name: getattr(composition, f.name) for f in fields(composition)}
    values["findings"] = list(values.get("findings") or [])
    values["notes"] = list(values.get("notes") or [])
    values["sections"] = [_copy(section) for section in composition.sections]
    values["items"] = [_copy(item) for item in composition.items]
    return GenerativeComposition(**values)


def _copy(part: Any) -> Any:
    """A shallow copy of a dataclass (sections and items are rewritten in place)."""
    values = {f.name: getattr(part, f.name) for f in fields(part)}
    return type(part)(**values)


def _note(result: GenerativeComposition, text: str) -> None:
    result.notes.append(text)


# ------------------------------------------------------------------- plans


def article_source(article: Article) -> SourceDocument:
    return SourceDocument(article.pk, article.headline, article.body)


def plan_parts(
    reader_type: ReaderType, composition: Composition, service: dict[str, Any]
) -> list[PartPlan]:
    """The requests for a briefing: lead, sections, keywords (and summaries)."""
    reader = reader_values(reader_type)
    items = {item.rank: item for item in composition.items}
    chars = int(service["article_chars"])
    every = [composition_articles(composition.items)]
    plans = [
        PartPlan(
            "lead",
            "lead",
            {
                **reader,
                "articles": articles_block(composition, composition.sections, chars),
                "paragraphs": max(2, len(composition.lead_paragraphs) or 3),
            },
            every[0],
            composition.lead,
        )
    ]
    headings = [s.heading for s in composition.sections]
    for section in composition.sections:
        members = [items[r] for r in section.ranks if r in items] or list(
            composition.items
        )
        plans.append(
            PartPlan(
                f"section:{section.position}",
                "section",
                {
                    **reader,
                    "articles": articles_block(composition, [section], chars),
                    "avoid_headings": ", ".join(h for h in headings if h) or "(없음)",
                },
                composition_articles(members),
                (section.heading, section.body),
            )
        )
    plans.append(
        PartPlan(
            "keywords",
            "keywords",
            {
                **reader,
                "articles": articles_block(composition, composition.sections, 240),
                "count": int(prism_settings.KEYWORDS_PER_BRIEFING),
            },
            every[0],
            list(composition.keywords),
        )
    )
    if service["summaries"]:
        plans += [summary_plan(reader, item, chars) for item in composition.items]
    return plans


def summary_plan(reader: dict[str, Any], item: ComposedItem, chars: int) -> PartPlan:
    return PartPlan(
        f"item:{item.rank}",
        "summary",
        {
            **reader,
            "articles": article_block(item, chars * 2, with_summary=False),
            "sentences": int(prism_settings.SUMMARY_SENTENCES),
            "min_chars": int(prism_settings.SUMMARY_MIN_CHARS),
            "max_chars": int(prism_settings.SUMMARY_MAX_CHARS),
        },
        composition_articles([item]),
        (item.summary, item.summary_sentences),
    )


def reader_values(reader_type: ReaderType) -> dict[str, Any]:
    interests = reader_type.interests or {}
    if isinstance(interests, dict):
        ranked = sorted(interests, key=lambda k: -float(interests[k] or 0))
    else:
        ranked = [str(i) for i in interests]
    return {
        "reader_name": reader_type.name,
        "reader_description": reader_type.description or "(설명 없음)",
        "reader_interests": ", ".join(ranked[:12]) or "(없음)",
    }


def composition_articles(items: list[ComposedItem]) -> list[SourceDocument]:
    """Sources of a part: its items' articles and their first 관련기사."""
    seen: dict[int, SourceDocument] = {}
    for item in items:
        for article in [item.article, *item.related_articles[:RELATED_PER_ITEM]]:
            if article is not None and article.pk not in seen:
                seen[article.pk] = article_source(article)
    return list(seen.values())


def articles_block(
    composition: Composition, sections: list[ComposedSection], chars: int
) -> str:
    """The prompt's article list, one block per section (story cluster)."""
    items = {item.rank: item for item in composition.items}
    blocks = []
    for section in sections:
        members = [items[r] for r in section.ranks if r in items]
        body = "\n\n".join(article_block(item, chars) for item in members)
        blocks.append(f"■ 주제 {section.position}: {section.heading}\n{body}")
    return "\n\n".join(blocks) or "\n\n".join(
        article_block(item, chars) for item in composition.items
    )


def article_block(item: ComposedItem, chars: int, with_summary: bool = True) -> str:
    body = " ".join((item.article.body if item.article else "").split())
    lines = [f"[기사 {item.rank}] {item.headline}"]
    if with_summary and item.summary:
        lines.append(f"핵심 요약: {item.summary}")
    lines.append(f"본문: {body[:chars]}")
    for related in item.related_articles[:RELATED_PER_ITEM]:
        lines.append(
            f"관련기사: {related.headline} — {' '.join(related.body.split())[:240]}"
        )
    return "\n".join(lines)


# -------------------------------------------------------------------- run


SCHEMAS = {
    "lead": {
        "type": "object",
        "properties": {"paragraphs": {"type": "array", "items": {"type": "string"}}},
        "required": ["paragraphs"],
    },
    "section": {
        "type": "object",
        "properties": {"heading": {"type": "string"}, "body": {"type": "string"}},
        "required": ["heading", "body"],
    },
    "keywords": {
        "type": "object",
        "properties": {"keywords": {"type": "array", "items": {"type": "string"}}},
        "required": ["keywords"],
    },
    "summary": {
        "type": "object",
        "properties": {"sentences": {"type": "array", "items": {"type": "string"}}},
        "required": ["sentences"],
    },
}


def run_parts(
    composer: Any, plans: list[PartPlan], service: dict[str, Any]
) -> dict[str, PartResult]:
    """Send every part's request (a few at a time) and check what comes back."""
    system = load_prompt("system", service["prompt_dir"] or None)
    requests = {}
    for plan in plans:
        template = load_prompt(plan.prompt, service["prompt_dir"] or None)
        requests[plan.key] = (
            ComposerRequest(
                part=plan.key,
                system=system.render(),
                prompt=template.render(**plan.values),
                schema=SCHEMAS[plan.prompt],
            ),
            f"{system.version}+{template.version}",
        )
    replies: dict[str, Any] = {}
    pool = ThreadPoolExecutor(
        max_workers=max(1, min(len(plans), int(service["parallel_parts"]))),
        thread_name_prefix="prism-composer",
    )
    futures = {
        pool.submit(_complete, composer, request): key
        for key, (request, _) in requests.items()
    }
    done, pending = wait_for(futures, timeout=float(service["deadline"]))
    pool.shutdown(wait=False, cancel_futures=True)
    for future in done:
        replies[futures[future]] = future.result()
    for future in pending:
        replies[futures[future]] = ComposerError(
            f"브리핑 전체 시간 제한({float(service['deadline']):g}초) 초과"
        )
    checker = grounding_checker(service)
    written: list[str] = []  # the lead's and sections' sentences, never repeated
    return {
        plan.key: check_part(
            plan,
            replies[plan.key],
            requests[plan.key][1],
            composer,
            checker,
            service,
            written=written,
        )
        for plan in plans
    }


def _complete(composer: Any, request: ComposerRequest) -> Any:
    try:
        return composer.complete(request)
    except ComposerError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - a backend bug must not stop the morning
        logger.exception("composer %s failed on %s", composer, request.part)
        return ComposerError(f"{type(exc).__name__}: {exc}")


# ------------------------------------------------------------------ apply


def apply_parts(
    result: GenerativeComposition,
    plans: list[PartPlan],
    results: dict[str, PartResult],
) -> None:
    """Write grounded parts onto the composition; findings for dropped sentences."""
    sections = {f"section:{s.position}": s for s in result.sections}
    items = {f"item:{i.rank}": i for i in result.items}
    labels = part_labels()
    for plan in plans:
        part = results[plan.key]
        for sentence, reason in part.dropped:
            result.findings.append(ungrounded_finding(plan.key, sentence, reason))
        reason = part.provenance.get("fallback_reason")
        if reason:
            _note(result, f"{labels(plan.key)}: {reason}")
        if part.value is None:
            continue
        if plan.key == "lead":
            result.lead = part.value
        elif plan.key == "keywords":
            result.keywords = list(part.value)
        elif plan.key in sections:
            sections[plan.key].heading, sections[plan.key].body = part.value
        elif plan.key in items:
            items[plan.key].summary, items[plan.key].summary_sentences = part.value


def ungrounded_finding(part: str, sentence: str, reason: str) -> dict[str, Any]:
    return {
        "check": "ungrounded",
        "severity": "hard",
        "part": part,
        "message": f"출처 기사로 뒷받침되지 않아 AI 문장을 뺐습니다: {reason}",
        "excerpt": sentence,
    }


def part_labels():
    def label(key: str) -> str:
        if key == "lead":
            return "리드"
        if key == "keywords":
            return "키워드"
        kind, _, number = key.partition(":")
        return f"{number}번째 주제" if kind == "section" else f"{number}번 기사 요약"

    return label


def _summarise(
    result: GenerativeComposition,
    composer: Any,
    results: dict[str, PartResult],
    seconds: float,
) -> None:
    parts = {key: part.provenance for key, part in results.items()}
    usage = {
        "requests": sum(1 for p in parts.values() if "tokens_in" in p),
        "tokens_in": sum(int(p.get("tokens_in", 0)) for p in parts.values()),
        "tokens_out": sum(int(p.get("tokens_out", 0)) for p in parts.values()),
        "seconds": round(seconds, 3),
        "grounding_cpu_seconds": round(
            sum(float(p.get("grounding_cpu_seconds", 0)) for p in parts.values()), 4
        ),
        "fallbacks": sum(1 for p in parts.values() if p["written_by"] != "model"),
    }
    result.composer.update(
        backend=composer.backend,
        model=getattr(composer, "model_name", ""),
        parts=parts,
        usage=usage,
        findings=[f for f in result.findings if f.get("check") == "ungrounded"],
    )
    if usage["fallbacks"] == len(parts):
        reasons = sorted({p.get("fallback_reason", "") for p in parts.values()})
        result.composer["fallback_reason"] = "; ".join(r for r in reasons if r)
        _note(
            result,
            "AI 작성기가 쓴 부분이 없어 추출 방식 초안입니다: "
            + result.composer["fallback_reason"],
        )
