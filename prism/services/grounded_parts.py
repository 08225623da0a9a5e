"""Checking one part's answer against its sources and keeping what is grounded.

Used by :mod:`prism.services.composers` (a morning's draft) and
:mod:`prism.services.rewrite` ("AI로 다시 쓰기"): the answer is read (JSON, or
prose as the part's text), split into sentences, each judged by
:mod:`prism.nlp.grounding`; a part keeps the model's text only when enough
sentences survive, and records its score, citations and why it fell back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from prism.composers.parsing import looks_like_json, parse_answer, strings
from prism.nlp.abstractive import similar
from prism.nlp.grounding import GroundingChecker, SourceDocument


@dataclass
class PartPlan:
    """One part to write: its prompt, its sources and its extractive fallback."""

    key: str  # "lead", "section:2", "keywords", "item:4"
    prompt: str  # template name
    values: dict[str, Any]
    sources: list[SourceDocument]
    fallback: Any


@dataclass
class PartResult:
    """What became of one part, and its provenance."""

    key: str
    value: Any = None  # the new text/value; None keeps the extractive one
    provenance: dict[str, Any] = field(default_factory=dict)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (sentence, why)
    repeated: int = 0  # grounded sentences left out as repeats of earlier parts
    written: list[str] | None = field(default=None, repr=False)


# ------------------------------------------------------------------ check


def check_part(
    plan: PartPlan,
    reply: Any,
    prompt_version: str,
    composer: Any,
    checker: GroundingChecker,
    service: dict[str, Any],
    written: list[str] | None = None,
) -> PartResult:
    """Ground one answer; the part's new value, or None with the reason."""
    provenance: dict[str, Any] = {
        "backend": composer.backend,
        "model": getattr(composer, "model_name", ""),
        "prompt_version": prompt_version,
        "written_by": "extractive",
    }
    result = PartResult(plan.key, provenance=provenance)
    if isinstance(reply, Exception):
        provenance["fallback_reason"] = f"모델 호출 실패: {reply}"
        return result
    provenance.update(
        model=reply.model or provenance["model"],
        tokens_in=reply.tokens_in,
        tokens_out=reply.tokens_out,
        seconds=reply.seconds,
        attempts=reply.attempts,
    )
    started = time.process_time()
    try:
        answer = read_answer(plan.prompt, reply.text)
        if answer is None:
            provenance["fallback_reason"] = "모델 응답을 JSON으로 읽을 수 없음"
            return result
        ground_part(plan, answer, checker, service, result, written)
    finally:
        provenance["grounding_cpu_seconds"] = round(time.process_time() - started, 4)
    return result


def read_answer(prompt: str, text: str) -> dict[str, Any] | None:
    """The answer as a dict; prose (not broken JSON) counts as the part's text."""
    data = parse_answer(text)
    if data is not None:
        return data
    if looks_like_json(text) or not text.strip():
        return None
    prose = " ".join(text.split())
    return {
        "lead": {"paragraphs": [p for p in text.split("\n\n") if p.strip()]},
        "section": {"heading": "", "body": prose},
        "keywords": {"keywords": [k for k in prose.split(",") if k.strip()]},
        "summary": {"sentences": [prose]},
    }[prompt]


def ground_part(
    plan: PartPlan,
    answer: dict[str, Any],
    checker: GroundingChecker,
    service: dict[str, Any],
    result: PartResult,
    written: list[str] | None = None,
) -> None:
    if plan.prompt in ("lead", "section"):
        result.written = written
    if plan.prompt == "lead":
        paragraphs = strings(answer.get("paragraphs") or answer.get("lead"))
        kept, verdicts = _ground_texts(paragraphs, plan, checker, result)
        minimum = int(service["min_lead_sentences"])
        _finish(result, "\n\n".join(p for p in kept if p), verdicts, minimum)
    elif plan.prompt == "section":
        body = " ".join(strings(answer.get("body")))
        kept, verdicts = _ground_texts([body], plan, checker, result)
        heading = ground_heading(
            " ".join(strings(answer.get("heading"))), plan, checker
        )
        minimum = int(service["min_section_sentences"])
        if _finish(result, kept[0] if kept else "", verdicts, minimum):
            result.value = (heading or plan.fallback[0], result.value)
            result.provenance["heading_written_by"] = (
                "model" if heading else "extractive"
            )
    elif plan.prompt == "keywords":
        ground_keywords(plan, strings(answer.get("keywords")), checker, result)
    else:
        sentences = strings(answer.get("sentences") or answer.get("summary"))
        kept, verdicts = _ground_texts([" ".join(sentences)], plan, checker, result)
        minimum = int(service["min_summary_sentences"])
        if _finish(result, kept[0] if kept else "", verdicts, minimum):
            result.value = (result.value, summary_sentences(verdicts, plan))


def _ground_texts(
    texts: list[str], plan: PartPlan, checker: GroundingChecker, result: PartResult
) -> tuple[list[str], list[Any]]:
    kept, verdicts = [], []
    for text in texts:
        grounded = checker.check(text, plan.sources)
        result.dropped += [(v.text, v.reason) for v in grounded.unsupported]
        if result.written is not None:
            for verdict in grounded.supported:
                if any(similar(verdict.text, other) for other in result.written):
                    # Said already in the lead or another section: not a fault of
                    # grounding, so no finding, but not written twice either.
                    verdict.supported = False
                    verdict.reasons = ["이미 쓴 문장과 같음"]
                    result.repeated += 1
                else:
                    result.written.append(verdict.text)
        verdicts.extend(grounded.sentences)
        kept.append(grounded.text)
    return kept, verdicts


def _finish(result: PartResult, text: str, verdicts: list[Any], minimum: int) -> bool:
    """Keep ``text`` when enough sentences survived; record score and citations."""
    supported = [v for v in verdicts if v.supported]
    provenance = result.provenance
    provenance.update(
        sentences=len(verdicts),
        kept=len(supported),
        dropped=len(verdicts) - len(supported) - result.repeated,
        repeated=result.repeated,
        grounding_score=round(sum(v.coverage for v in supported) / len(verdicts), 3)
        if verdicts
        else 0.0,
        citations=[[c.as_dict() for c in v.citations] for v in supported],
        cited_sentences=[v.text for v in supported],
    )
    if len(supported) < max(1, minimum):
        repeats = (
            f", 앞 부분과 겹친 문장 {result.repeated}개 제외" if result.repeated else ""
        )
        provenance["fallback_reason"] = (
            f"출처로 확인된 문장이 {len(supported)}개뿐이라(필요 {minimum}개{repeats}) "
            "추출 방식 문장을 그대로 둠"
        )
        return False
    provenance["written_by"] = "model"
    result.value = text
    return True


def ground_heading(heading: str, plan: PartPlan, checker: GroundingChecker) -> str:
    """A heading whose content nouns and names all appear in the sources."""
    heading = heading.strip().strip("■").strip()
    if not heading or len(heading) > 40:
        return ""
    return heading if _all_in_sources(heading, plan, checker) else ""


def _content_words(text: str, checker: GroundingChecker) -> set[str]:
    return set(checker.content_nouns(text)) | {
        e.lower() for e in checker.entities(text)
    }


def _all_in_sources(text: str, plan: PartPlan, checker: GroundingChecker) -> bool:
    compact = "".join(
        f"{s.title}{s.body}".replace(" ", "") for s in plan.sources
    ).lower()
    words = set(checker.content_nouns(text)) | {
        e.lower() for e in checker.entities(text)
    }
    figures_ok = not checker.check(f"{text}.", plan.sources).unsupported or not any(
        ch.isdigit() for ch in text
    )
    return (
        bool(words) and figures_ok and all(w.replace(" ", "") in compact for w in words)
    )


def ground_keywords(
    plan: PartPlan, keywords: list[str], checker: GroundingChecker, result: PartResult
) -> None:
    """Grounded model keywords first, topped up with the extractive ones."""
    count = int(plan.values["count"])
    kept = []
    for keyword in keywords:
        keyword = keyword.strip().strip("#").strip()
        if not keyword or len(keyword) > 20 or keyword in kept:
            continue
        if not _content_words(keyword, checker):
            result.dropped.append((keyword, "너무 일반적인 말이거나 숫자뿐인 키워드"))
        elif _all_in_sources(keyword, plan, checker):
            kept.append(keyword)
        else:
            result.dropped.append((keyword, "출처 기사에 없는 낱말이 있음"))
    kept = kept[:count]
    result.provenance.update(kept=len(kept), dropped=len(result.dropped))
    if not kept:
        result.provenance["fallback_reason"] = "출처로 확인된 키워드가 없음"
        return
    for keyword in plan.fallback:
        if len(kept) >= count:
            break
        if keyword not in kept:
            kept.append(keyword)
    result.provenance["written_by"] = "model"
    result.provenance["grounding_score"] = round(len(kept) / max(1, len(keywords)), 3)
    result.value = kept


def summary_sentences(verdicts: list[Any], plan: PartPlan) -> list[dict[str, Any]]:
    """``summary_sentences`` for generated text: offsets of the supporting sentence."""
    article_id = plan.sources[0].id if plan.sources else None
    entries = []
    for verdict in verdicts:
        if not verdict.supported:
            continue
        own = [c for c in verdict.citations if c.document_id == article_id]
        start, end = (own[0].start, own[0].end) if own else (-1, -1)
        entries.append({"text": verdict.text, "start": start, "end": end})
    return entries
