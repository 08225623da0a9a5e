"""Body cleaning: strip bylines, reporter tags, photo captions, e-mail addresses,
section/date prefixes and page furniture from an article body.

Each rule is a small function ``rule(text, trace) -> text`` that records what it cut in
``trace.removed`` (and reporter names in ``trace.reporters``); ``clean_body`` runs them
in order. The raw body is never changed: callers keep it next to the cleaned one.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class CleanedText:
    """A cleaned body, the reporter byline found in it and the fragments cut out."""

    body: str
    byline: str = ""
    removed: list[str] = field(default_factory=list)


@dataclass
class CleaningTrace:
    """What the rules cut out so far, and the reporters they found."""

    removed: list[str] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)

    def cut(self, fragment: str) -> None:
        fragment = fragment.strip()
        if fragment:
            self.removed.append(fragment)


def _cutter(trace: CleaningTrace, replacement: str = " ") -> Callable[[re.Match], str]:
    """A ``re.sub`` callback that records the match and replaces it."""

    def replace(match: re.Match) -> str:
        trace.cut(match.group(0))
        return replacement

    return replace


# --- Unicode and markup -------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2009\u202f\u3000\t\f\v"), " ")


def normalize_unicode(text: str, trace: CleaningTrace) -> str:
    """NFC-normalize, unify line breaks and spaces, drop invisible characters."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    return _CONTROL.sub("", text)


_HTML_HINT = re.compile(
    r"</?(?:p|br|div|span|a|b|strong|em|i|img|figure|figcaption|table|ul|li|h\d)\b[^>]*>",
    re.IGNORECASE,
)
_BLOCK_TAGS = {"p", "br", "div", "li", "ul", "ol", "tr", "table", "figure", "section"}
_BLOCK_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "article"}
_SKIPPED_TAGS = {"script", "style", "figcaption", "noscript", "iframe"}


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipped: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skip_depth:
            self._skip_depth -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        (self.skipped if self._skip_depth else self.parts).append(data)


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """The text of an HTML fragment and the skipped parts (captions, scripts)."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return "".join(extractor.parts), extractor.skipped


def strip_html(text: str, trace: CleaningTrace) -> str:
    """Turn an HTML body (as CMS exports and feeds carry) into plain text."""
    if not _HTML_HINT.search(text):
        return text
    plain, skipped = html_to_text(text)
    for fragment in skipped:
        trace.cut(fragment)
    return html.unescape(plain)


# --- Reporters ----------------------------------------------------------------------

_NAME = r"[가-힣]{2,4}"
_NAMES = rf"{_NAME}(?:\s*[,·ㆍ]\s*{_NAME})*"
_TITLE = r"(?:인턴\s*기자|선임\s*기자|객원\s*기자|기자|특파원|논설위원|선임연구원)"
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"

# [이데일리 김현아 기자], [수원=이데일리 황영민 기자], 【서울경제 홍길동·김철수 기자】
_BRACKET_TAG = re.compile(
    rf"[\[【]\s*(?:[^\[\]【】=]{{1,20}}=)?[^\[\]【】]{{0,30}}?\s*(?P<names>{_NAMES})"
    rf"\s*(?P<title>{_TITLE})\s*[\]】]"
)
# (서울=연합뉴스) 홍길동 기자 = … ; (세종=뉴스1) …
_WIRE_DATELINE = re.compile(
    rf"\((?!\s*(?:사진|그래픽|자료|영상|이미지|출처))[^()=\n]{{1,15}}=[^()=\n]{{1,20}}\)"
    rf"\s*(?:(?P<names>{_NAMES})\s*(?P<title>{_TITLE})\s*=)?"
)
# 홍길동 기자 abc@sedaily.com ; 뉴욕=김흥록 특파원 rok@sedaily.com
_BYLINE_WITH_EMAIL = re.compile(
    rf"(?:[/=]\s*)?(?:[가-힣]{{1,10}}=)?(?P<names>{_NAMES})\s*(?P<title>{_TITLE})"
    rf"\s*[(<]?\s*{_EMAIL}\s*[)>]?"
)
# A closing "/홍길동 기자" or "홍길동 기자" as the very last words of the body.
_TRAILING_BYLINE = re.compile(
    rf"(?:(?<=[.!?”\"'’\s])|^)\s*[/=]?\s*(?:[가-힣]{{1,10}}=)?(?P<names>{_NAMES})"
    rf"\s*(?P<title>{_TITLE})\s*$"
)


def _reporter_cutter(trace: CleaningTrace) -> Callable[[re.Match], str]:
    def replace(match: re.Match) -> str:
        trace.cut(match.group(0))
        if match.group("names"):
            title = re.sub(r"\s+", " ", match.group("title"))
            trace.reporters.append(f"{match.group('names')} {title}")
        return " "

    return replace


def remove_reporter_tags(text: str, trace: CleaningTrace) -> str:
    """Cut bracketed reporter tags and wire datelines, keeping the reporter names."""
    text = _BRACKET_TAG.sub(_reporter_cutter(trace), text)
    return _WIRE_DATELINE.sub(_reporter_cutter(trace), text)


def remove_trailing_byline(text: str, trace: CleaningTrace) -> str:
    """Cut "홍길동 기자 abc@…" anywhere and a bare "홍길동 기자" closing the body."""
    text = _BYLINE_WITH_EMAIL.sub(_reporter_cutter(trace), text)
    return _TRAILING_BYLINE.sub(_reporter_cutter(trace), text.rstrip())


# --- Photo captions -----------------------------------------------------------------

_CREDIT_WORD = r"(?:사진|그래픽|자료|영상|이미지|출처)(?:\s*제공)?"
_BRACKET_CREDIT = re.compile(
    rf"[(\[]\s*(?P<word>{_CREDIT_WORD})\s*[=:]\s*[^()\[\]\n]{{0,60}}[)\]]"
)
_SLASH_CREDIT = re.compile(rf"\s*/\s*{_CREDIT_WORD}\s*=\s*[^\s.]+")
_BARE_CREDIT = re.compile(
    r"(?:(?<=[.!?”\s])|^)(?:사진|그래픽)(?:\s*제공)?\s*=\s*[^\s.]+"
)
# Where a sentence ends: a terminator not inside a number like 1.8%.
_SENTENCE_END = re.compile(r"(?<!\d)[.!?…][”\"’'」』)]*(?!\d)")
_MAX_CAPTION_CHARS = 150


def _caption_start(text: str, credit_start: int) -> int:
    """Where the caption glued to a credit at ``credit_start`` begins, or -1 if none."""
    # Only a sentence glued to its credit ("…있다.(사진=…)") is a caption; with a space
    # between them the sentence is as likely part of the article.
    if credit_start == 0 or text[credit_start - 1].isspace():
        return -1
    window_start = max(0, credit_start - _MAX_CAPTION_CHARS)
    before = text[window_start : credit_start - 1]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        return window_start + ends[-1].end()
    line_start = text.rfind("\n", 0, credit_start) + 1
    return line_start if line_start >= window_start else -1


def remove_photo_captions(text: str, trace: CleaningTrace) -> str:
    """Cut photo credits ("(사진=…)", "/사진 제공=…", "사진=…") and glued captions."""
    position = 0
    while match := _BRACKET_CREDIT.search(text, position):
        start = -1
        if match["word"].startswith("사진"):
            # Chart sources "(자료=통계청)" follow real sentences; only photos have
            # a caption glued in front of the credit.
            start = _caption_start(text, match.start())
        start = match.start() if start < 0 else start
        trace.cut(text[start : match.end()])
        text = text[:start] + " " + text[match.end() :]
        position = start + 1
    text = _SLASH_CREDIT.sub(_cutter(trace), text)
    return _BARE_CREDIT.sub(_cutter(trace), text)


# --- E-mail -------------------------------------------------------------------------

_EMAIL_RE = re.compile(rf"[(<]?\s*{_EMAIL}\s*[)>]?")


def remove_emails(text: str, trace: CleaningTrace) -> str:
    """Cut e-mail addresses left after the byline rules."""
    return _EMAIL_RE.sub(_cutter(trace), text)


# --- Section and date prefixes ------------------------------------------------------

_DATE = r"\d{4}[.\-/]\s?\d{1,2}[.\-/]\s?\d{1,2}\.?"
_TIME = r"(?:(?:오전|오후|AM|PM)\s*)?\d{1,2}:\d{2}(?::\d{2})?"
_DATE_TIME = rf"{_DATE}(?:\s+{_TIME})?"
_PREFIXES = [
    # 산업 IT 2025.04.15 09:51:26 (a site dump's meta line glued to the body)
    re.compile(rf"^(?:[^\s.!?]+\s+){{1,2}}{_DATE}\s+{_TIME}"),
    # 2025.04.15 09:51:26 opening the body
    re.compile(rf"^{_DATE_TIME}"),
    # 입력 2025.04.15 09:51  수정 2025.04.15 10:02
    re.compile(
        rf"^(?:기사\s*)?(?:입력|수정|승인|등록|업데이트)\s*[:：]?\s*{_DATE_TIME}"
    ),
    # [서울경제], [속보], [단독] at the very start
    re.compile(r"^[\[【]\s*[^\[\]【】\d]{1,12}\s*[\]】]"),
]


def remove_section_date_prefix(text: str, trace: CleaningTrace) -> str:
    """Cut section/date prefixes ("산업 IT 2025.04.15 09:51:26", "[서울경제]")."""
    text = text.lstrip()
    changed = True
    while changed:
        changed = False
        for pattern in _PREFIXES:
            match = pattern.match(text)
            if match and match.end() > 0:
                trace.cut(match.group(0))
                text = text[match.end() :].lstrip(" :-=\n")
                changed = True
    return text


# --- Page furniture -----------------------------------------------------------------

# Whole lines of site navigation, and lines opening an imprint or copyright block.
_FURNITURE_LINE = re.compile(
    r"^(?:이\s?시간\s*주요\s*뉴스|영상\s*뉴스|서경\s*스페셜|많이\s*본\s*뉴스|관련\s*기사"
    r"|Skip\s+to\s+(?:main\s+)?content|주요\s*뉴스|인기\s*뉴스|기사\s*제보"
    r"|구독|공유|댓글|좋아요|목록|맨\s*위로|top|프린트|URL\s*복사|기사\s*스크랩)\s*$"
    r"|^(?:주소|상호)\s*[:：]|^(?:Copyright|ⓒ|©|\(c\))|^[<＜〈]?\s*저작권자"
    r"|^무단\s*전재",
    re.IGNORECASE,
)
# Imprint details that never occur in article prose, wherever they sit in a line.
_IMPRINT = re.compile(
    r"대표\s*전화\s*[:：]|사업자\s*(?:등록)?\s*번호\s*[:：]|등록\s*번호\s*[:：]"
    r"|등록\s*일자\s*[:：]|발행\s*[·ㆍ]\s*편집인|청소년\s*보호\s*책임자"
    r"|저작권법의\s*보호를\s*받|All\s+rights?\s+reserved",
    re.IGNORECASE,
)
_MAX_FURNITURE_LINE = 300
_INLINE_FURNITURE = [
    re.compile(r"Skip\s+to\s+(?:main\s+)?content", re.IGNORECASE),
    re.compile(
        r"[<＜〈]\s*(?:저작권자|Copyrights?)[^<>＜＞〈〉\n]{0,80}[>＞〉]", re.IGNORECASE
    ),
    re.compile(r"(?:Copyright|저작권자)\s*(?:ⓒ|©|\(c\))[^\n]{0,120}", re.IGNORECASE),
    re.compile(
        r"(?:ⓒ|©)\s*[^\s,.]{1,20}[,.]?\s*무단\s*전재[^\n]{0,40}?(?:금지|금합니다)\.?"
    ),
    re.compile(r"무단\s*전재[^\n]{0,40}?(?:금지|금합니다|받을\s*수\s*있습니다)\.?"),
    re.compile(r"(?:\s*(?:이\s?시간\s*주요\s*뉴스|영상\s*뉴스|서경\s*스페셜))+\s*$"),
]


def is_furniture_line(line: str) -> bool:
    """Whether a whole line is page furniture (menu, address, copyright block)."""
    line = line.strip()
    if not line or len(line) > _MAX_FURNITURE_LINE:
        return False
    return bool(_FURNITURE_LINE.search(line) or _IMPRINT.search(line))


def remove_page_furniture(text: str, trace: CleaningTrace) -> str:
    """Cut furniture lines (address, 대표전화, copyright) and inline copyright."""
    kept = []
    for line in text.split("\n"):
        if is_furniture_line(line):
            trace.cut(line)
        else:
            kept.append(line)
    text = "\n".join(kept)
    for pattern in _INLINE_FURNITURE:
        text = pattern.sub(_cutter(trace), text)
    return text


# --- Layout -------------------------------------------------------------------------

_GLUED_SENTENCE = re.compile(r"(?<=[가-힣]다)\.(?=[가-힣A-Za-z“\"‘'◇△▲■\[(])")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|【\s*】")


def separate_glued_sentences(text: str, trace: CleaningTrace) -> str:
    """Put a space after "…다." glued to the next sentence, as web dumps leave it."""
    return _GLUED_SENTENCE.sub(". ", text)


_QA_MARKER = re.compile(r"(?:^|(?<=[.!?”\"’])|\s+)\s*([QA])\s*[.:)]\s+")


def split_qa_markers(text: str, trace: CleaningTrace) -> str:
    """Turn "Q. 질문 A. 답" into a question line and an answer line, no markers.

    Q&A pieces and explainers run questions and answers together in one line; a
    summary must never carry the markers, and the question is not a statement.
    """
    markers = [match.group(1) for match in _QA_MARKER.finditer(text)]
    if "Q" not in markers or "A" not in markers:
        return text

    def replace(match: re.Match) -> str:
        before = match.string[: match.start()].rstrip()
        trace.cut(match.group(0).strip())
        if match.group(1) == "A" and before and before[-1] not in '.?!”"’':
            return "?\n"  # the question had no mark of its own
        return "\n"

    return _QA_MARKER.sub(replace, text)


_SUBJECT_WORD = re.compile(
    r"(?:^|(?<=\s))([가-힣A-Za-z][가-힣A-Za-z0-9]{1,14}?)(?:은|는|이|가|의|도)\s"
)
# Where a pasted heading can start: right after "…다." with no space (the lost line
# break), or at a line start.
_SENTENCE_START = re.compile(r"(?<=[가-힣]다\.)(?=[가-힣A-Za-z0-9])|\n")
_GLUED_YEAR = re.compile(r"(?<=[가-힣]{2})(?=(?:19|20)\d\d년)")
_HEADING_REACH = 80


def split_fused_subheadings(text: str, trace: CleaningTrace) -> str:
    """Put a sub-heading pasted into the next sentence on its own line.

    Web dumps lose the line break after a sub-heading: "…결과다.차세대 연결기술 CXL
    활용한 혁신적 AI 솔루션 개발파네시아는 대규모…". The heading ends where one of
    the article's recurring subjects ("파네시아") is glued onto a Hangul word, or
    where Hangul runs straight into a year ("특허 확보2023년부터").
    """
    counts: dict[str, int] = {}
    for match in _SUBJECT_WORD.finditer(text):
        counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    subjects = sorted(
        (name for name, n in counts.items() if n >= 2 and len(name) >= 3), key=len
    )
    glued = (
        re.compile(
            rf"(?<=[가-힣]{{2}})(?=(?:{'|'.join(map(re.escape, subjects[::-1]))})"
            r"(?:은|는|이|가|의|도)\s)"
        )
        if subjects
        else None
    )
    cuts: list[int] = []
    starts = [0, *(match.end() for match in _SENTENCE_START.finditer(text))]
    for start in starts:
        window = text[start : start + _HEADING_REACH]
        if " " not in window.strip():
            continue
        found = [m.start() for m in _GLUED_YEAR.finditer(window)]
        if glued is not None:
            found += [m.start() for m in glued.finditer(window)]
        # The heading has at least two words and contains no sentence end.
        found = [
            at
            for at in found
            if " " in window[:at].strip() and "다." not in window[:at]
        ]
        if found:
            cuts.append(start + min(found))
    for at in sorted(set(cuts), reverse=True):
        text = text[:at] + "\n" + text[at:]
    return text


def tidy_whitespace(text: str, trace: CleaningTrace) -> str:
    """Collapse runs of spaces, drop empty brackets and blank lines at the edges."""
    text = _EMPTY_BRACKETS.sub(" ", text)
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip(" \n-=/")


RULES: list[Callable[[str, CleaningTrace], str]] = [
    normalize_unicode,
    strip_html,
    remove_photo_captions,
    remove_reporter_tags,
    remove_trailing_byline,
    remove_emails,
    remove_section_date_prefix,
    remove_page_furniture,
    split_qa_markers,
    split_fused_subheadings,
    separate_glued_sentences,
    tidy_whitespace,
]


def clean_body(text: str) -> CleanedText:
    """Run every rule over ``text``; the byline lists the reporters found, in order."""
    trace = CleaningTrace()
    for rule in RULES:
        text = rule(text, trace)
    byline = ", ".join(dict.fromkeys(trace.reporters))
    return CleanedText(body=text, byline=byline, removed=trace.removed)
