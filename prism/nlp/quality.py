"""The quality report of a briefing: plain rules over its composed parts.

What an editor would otherwise find by reading: a paragraph opening on "이날" or
"그는", Q/A markers, a column's first-person line, page furniture, a sentence used
twice, an empty section, a heading of two bare nouns or one its paragraph's
opening never names, a generic keyword, fewer than six items, a figure in the lead
or a section that no source article has. It is a help for editors, not a gate.
Plain Python; no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from prism.nlp.headings import TREND_NOUNS
from prism.nlp.korean import (
    bare_noun_heading,
    is_first_person,
    needs_context,
    with_particle,
)
from prism.nlp.noise import noise_reason
from prism.nlp.sentences import split_sentences

HARD = "hard"
SOFT = "soft"
QA_MARKER = re.compile(r"(?:^|[\s.])[QA]\s*[.:)]\s")
NUMBER = re.compile(r"\d[\d,.]*\d|\d")
FURNITURE_REASONS = {"furniture", "contact", "caption", "byline"}
SELECTED_KINDS = {"news", "analysis", "interview"}
# check code -> what it is called on screen
CHECK_LABELS = {
    "dangling": "앞 문장을 가리키며 시작",
    "qa_marker": "문답 표시(Q/A)",
    "first_person": "필자의 1인칭 문장",
    "column": "칼럼·모음 기사 선정",
    "furniture": "기사 외 안내 문구",
    "repeated": "같은 문장 반복",
    "empty_section": "빈 주제 문단",
    "missing_section": "주제 문단 부족",
    "bare_heading": "단어 나열 제목",
    "off_heading": "문단과 맞지 않는 제목",
    "generic_keyword": "일반적인 키워드",
    "few_keywords": "키워드 부족",
    "few_items": "기사 부족",
    "unsourced_number": "원문에 없는 숫자",
    "weak_match": "관심사와 먼 관심 뉴스",
    "short_lead": "리드 문단 부족",
}
HARD_CHECKS = frozenset(
    {"qa_marker", "first_person", "column", "furniture", "repeated", "empty_section"}
)


@dataclass(frozen=True)
class ItemText:
    rank: int
    headline: str
    summary: str
    kind: str = "news"
    kind_allowed: bool = False  # an opinion piece the reader type allows
    interest: bool = False  # one of the 관심 뉴스 (ranks 1-3)
    matched: bool = True  # shares an interest keyword of the reader type


@dataclass
class BriefingText:
    """The parts of a briefing the report reads, as plain text."""

    lead: str
    sections: Sequence[tuple[str, str]]  # (heading, body) in position order
    items: Sequence[ItemText]
    keywords: Sequence[str]
    sources: Sequence[str] = ()  # headlines and bodies of the items' articles
    excluded_keywords: Iterable[str] = ()  # reader type, people, publishers
    generic_keywords: Iterable[str] = ()
    items_wanted: int = 6
    sections_wanted: int = 3
    keywords_wanted: int = 5
    # The lead tells the day's top stories, one paragraph each.
    lead_paragraphs_wanted: int = 2


@dataclass(frozen=True)
class Finding:
    check: str
    part: str  # "lead", "section:N", "item:N", "keywords", "items"
    message: str
    excerpt: str = ""
    severity: str = field(default="")

    def as_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["severity"] = self.severity or (
            HARD if self.check in HARD_CHECKS else SOFT
        )
        return data


def quality_report(briefing: BriefingText) -> list[dict[str, str]]:
    """Every finding, in the order the parts appear in the briefing."""
    parts = _parts(briefing)
    findings: list[Finding] = []
    for part, label, text in parts:
        findings += _sentence_findings(part, label, text)
    findings += _repeats(parts)
    findings += _lead_findings(briefing)
    findings += _section_findings(briefing)
    findings += _item_findings(briefing)
    findings += _keyword_findings(briefing)
    findings += _number_findings(briefing)
    order = {part: index for index, (part, _, _) in enumerate(parts)}
    order.update(keywords=len(order), items=len(order) + 1)
    findings.sort(key=lambda f: order.get(f.part, len(order)))
    return [finding.as_dict() for finding in findings]


def _parts(briefing: BriefingText) -> list[tuple[str, str, str]]:
    """(part, Korean label, text) of every prose part."""
    parts = [
        ("lead", f"리드 {index}문단", paragraph)
        for index, paragraph in enumerate(_paragraphs(briefing.lead), start=1)
    ]
    for position, (_, body) in enumerate(briefing.sections, start=1):
        parts.append((f"section:{position}", f"{position}번째 주제 문단", body))
    for item in briefing.items:
        parts.append((f"item:{item.rank}", f"{item.rank}번 핵심 요약", item.summary))
    return parts


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]


def _sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(text or "")]


def _sentence_findings(part: str, label: str, text: str) -> list[Finding]:
    findings = []
    for paragraph in _paragraphs(text):
        sentences = _sentences(paragraph)
        if sentences and needs_context(sentences[0]):
            findings.append(
                Finding(
                    "dangling",
                    part,
                    f"{label}이 앞 문장을 가리키는 말로 시작합니다.",
                    sentences[0],
                )
            )
    if QA_MARKER.search(text or ""):
        findings.append(
            Finding("qa_marker", part, f"{label}에 문답 표시(Q/A)가 있습니다.")
        )
    for sentence in _sentences(text):
        if is_first_person(sentence):
            findings.append(
                Finding(
                    "first_person",
                    part,
                    f"{label}에 필자의 1인칭 문장이 있습니다.",
                    sentence,
                )
            )
        elif noise_reason(sentence) in FURNITURE_REASONS:
            findings.append(
                Finding(
                    "furniture",
                    part,
                    f"{label}에 기사 내용이 아닌 문구가 있습니다.",
                    sentence,
                )
            )
    return findings


def _normal(sentence: str) -> str:
    return re.sub(r"\W+", "", sentence)


def _repeats(parts: list[tuple[str, str, str]]) -> list[Finding]:
    seen: dict[str, str] = {}
    findings = []
    for part, label, text in parts:
        for sentence in _sentences(text):
            key = _normal(sentence)
            if len(key) < 10:
                continue
            if key in seen:
                findings.append(
                    Finding(
                        "repeated",
                        part,
                        f"{label}의 문장이 {seen[key]}에도 있습니다.",
                        sentence,
                    )
                )
            else:
                seen[key] = label
    return findings


def _lead_findings(briefing: BriefingText) -> list[Finding]:
    paragraphs = len(_paragraphs(briefing.lead))
    if paragraphs >= briefing.lead_paragraphs_wanted:
        return []
    if not paragraphs:
        message = "리드가 없습니다. 오늘의 주요 소식을 두세 문단으로 써 주세요."
        return [Finding("short_lead", "lead", message, severity=HARD)]
    message = f"리드가 {paragraphs}문단뿐입니다. 다른 주요 소식을 한 문단 더 써 주세요."
    return [Finding("short_lead", "lead", message)]


def _section_findings(briefing: BriefingText) -> list[Finding]:
    findings = []
    if len(briefing.sections) < briefing.sections_wanted:
        findings.append(
            Finding(
                "missing_section",
                "section:1",
                f"주제 문단이 {len(briefing.sections)}개입니다 "
                f"({briefing.sections_wanted}개 필요).",
                severity=HARD,
            )
        )
    for position, (heading, body) in enumerate(briefing.sections, start=1):
        part = f"section:{position}"
        if not (body or "").strip():
            findings.append(
                Finding("empty_section", part, f"‘{heading}’ 주제에 문단이 없습니다.")
            )
        word = heading_missing_from(heading, body or "")
        if word:
            named = with_particle(f"‘{word}’", "가", "이")
            findings.append(
                Finding(
                    "off_heading",
                    part,
                    f"제목의 {named} 문단 첫머리에 나오지 않습니다. "
                    "제목이나 문단 첫 문장을 고쳐 주세요.",
                    heading,
                )
            )
        if heading and bare_noun_heading(heading):
            findings.append(
                Finding(
                    "bare_heading",
                    part,
                    "주제 제목이 단어 나열입니다. 기사 제목처럼 고쳐 주세요.",
                    heading,
                )
            )
    return findings


# Sentences a heading must be told in ("■ 국채 시장 우려" over a paragraph that
# never reaches the bond market heads something else); a turn as short as
# "한국은 정반대다." does not count as one. The paper's own paragraphs name
# their subject within three ("B2B" in the second of "■ B2B AI 시장의 성장세").
HEADING_OPENING = 3
_TURN_CHARS = 20
# Words every theme could carry: the specific word of "정산 서비스 투자" is "정산".
_GENERIC_HEADING_WORDS = frozenset(
    "서비스 시장 산업 기업 기술 정책 사업 분야 업계 정부 제품 시스템".split()
)
# A group a heading may name by its members: "■ 미국 빅테크 타격" heads a
# paragraph on Apple's iPhone output.
GROUP_MEMBERS: dict[str, tuple[str, ...]] = {
    "빅테크": (
        "애플", "구글", "알파벳", "메타", "아마존", "마이크로소프트", "MS",
        "엔비디아", "테슬라", "오픈AI",
    ),
}  # fmt: skip


def heading_missing_from(
    heading: str, body: str, *, opening: int = HEADING_OPENING
) -> str:
    """The specific word of a theme ``heading`` (its longest before the trend
    word that ends it: "국채 시장 우려" → "국채") that the opening of ``body``
    (its first ``opening`` sentences) never names, or "". Words are matched by
    their stem ("목표가" by "목표치"), so a heading keeps the headline's
    spelling. A heading that is the story's headline as a noun phrase is not a
    theme and is not checked."""
    words = heading.removeprefix("■").split()
    if len(words) < 2 or words[-1] not in TREND_NOUNS or not body.strip():
        return ""  # a headline told as a noun phrase heads its story, not a theme
    words = [
        w.removesuffix("의")
        for w in words[:-1]
        if len(w.removesuffix("의")) > 1
        and not re.search(r"\d", w)
        and w.removesuffix("의") not in _GENERIC_HEADING_WORDS
    ]
    if not words:
        return ""
    word = max(words, key=len)
    told = [s for s in _sentences(body) if len(s) > _TURN_CHARS][:opening]
    stem = word[: max(2, len(word) - 1)]
    opening_text = " ".join(told)
    names = (stem, *GROUP_MEMBERS.get(word, ()))
    return "" if any(name in opening_text for name in names) else word


def _item_findings(briefing: BriefingText) -> list[Finding]:
    findings = []
    if len(briefing.items) < briefing.items_wanted:
        findings.append(
            Finding(
                "few_items",
                "items",
                f"기사가 {len(briefing.items)}건입니다 "
                f"({briefing.items_wanted}건 필요).",
                severity=HARD,
            )
        )
    for item in briefing.items:
        if item.interest and not item.matched:
            findings.append(
                Finding(
                    "weak_match",
                    f"item:{item.rank}",
                    f"{item.rank}번 관심 뉴스에는 독자 유형의 관심 키워드가 없습니다.",
                    item.headline,
                )
            )
        if item.kind not in SELECTED_KINDS and not item.kind_allowed:
            findings.append(
                Finding(
                    "column",
                    f"item:{item.rank}",
                    f"{item.rank}번 기사는 뉴스가 아닌 칼럼·모음 기사입니다.",
                    item.headline,
                )
            )
    return findings


def _keyword_findings(briefing: BriefingText) -> list[Finding]:
    findings = []
    if len(briefing.keywords) < briefing.keywords_wanted:
        findings.append(
            Finding(
                "few_keywords",
                "keywords",
                f"키워드가 {len(briefing.keywords)}개입니다 "
                f"({briefing.keywords_wanted}개 필요).",
            )
        )
    excluded = {word.replace(" ", "") for word in briefing.excluded_keywords}
    generic = set(briefing.generic_keywords)
    for keyword in briefing.keywords:
        compact = keyword.replace(" ", "")
        if (
            compact in excluded
            or any(word in excluded for word in keyword.split())
            or keyword in generic
            or re.search(r"\d+\s*(?:년|월|일)|^[\d.,%]+$", keyword)
        ):
            findings.append(
                Finding(
                    "generic_keyword",
                    "keywords",
                    f"‘{keyword}’은(는) 날짜·인명·매체명이거나 너무 일반적인 말입니다.",
                    keyword,
                )
            )
    return findings


def _number_findings(briefing: BriefingText) -> list[Finding]:
    if not briefing.sources:
        return []
    source_numbers = {
        _number_key(n) for text in briefing.sources for n in NUMBER.findall(text)
    }
    findings = []
    prose = [("lead", "리드", briefing.lead)] + [
        (f"section:{i}", f"{i}번째 주제 문단", body)
        for i, (_, body) in enumerate(briefing.sections, start=1)
    ]
    for part, label, text in prose:
        for sentence in _sentences(text):
            missing = [
                n
                for n in NUMBER.findall(sentence)
                if _number_key(n) not in source_numbers
            ]
            if missing:
                findings.append(
                    Finding(
                        "unsourced_number",
                        part,
                        f"{label}의 숫자 {', '.join(missing)}이(가) 원문 기사에 "
                        "없습니다.",
                        sentence,
                        severity=HARD,
                    )
                )
    return findings


def _number_key(number: str) -> str:
    return number.replace(",", "").rstrip(".")


def count_by_severity(findings: Iterable[dict[str, str]]) -> dict[str, int]:
    """How many hard and soft findings a report has."""
    counts = {HARD: 0, SOFT: 0}
    for finding in findings:
        counts[finding.get("severity", SOFT)] = (
            counts.get(finding.get("severity", SOFT), 0) + 1
        )
    return counts
