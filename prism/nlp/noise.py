"""Which sentences may stand in a 핵심 요약, and what to trim from their start.

Cleaned article bodies still carry bylines, photo captions, contact lines, page
furniture, pasted sub-headings and quotation fragments. None of them may appear in a
summary; these checks say why a sentence is unusable (an empty reason means usable).
"""

from __future__ import annotations

import re

BYLINE = re.compile(
    r"(?:^|[\s\[(【<])[가-힣]{2,4}\s*(?:기자|특파원|선임기자|객원기자|인턴기자|논설위원)"
    r"(?:\s*[=\]】)>]|\s*$|\s+[\w.+-]+@)"
)
CAPTION = re.compile(
    r"(?:사진|그래픽|자료|출처|제공|촬영|영상|일러스트|이미지)\s*[=:：]|"
    r"사진\s*제공|[(\[/]\s*사진|게티이미지|셔터스톡|(?:AP|AFP|EPA|로이터|신화)\s*=?\s*연합|"
    r"연합뉴스\s*$|뉴스1\s*$|뉴시스\s*$"
)
CONTACT = re.compile(r"@[\w-]+\.[\w.-]+|https?://|www\.|\b\d{2,4}-\d{3,4}-\d{4}\b")
FURNITURE = re.compile(
    r"저작권|무단\s*전재|재배포|[Cc]opyright|All rights? reserved|ⓒ|©|구독|좋아요|"
    r"관련\s*기사|이\s*시간\s*주요\s*뉴스|대표전화|등록번호|사업자번호|발행인|편집인|"
    r"바로가기|기사\s*제보|카카오톡|네이버에서|클릭하세요|▶|☞|※"
)
# A declarative Korean sentence ends in 다, optionally followed by a full stop and
# closing brackets; questions, nominal headlines and exclamations do not qualify.
DECLARATIVE = re.compile(r"다[.!]?[)\]]*$")
OPEN_TO_CLOSE = {"“": "”", "‘": "’", "「": "」", "『": "』", "(": ")", "[": "]"}
# Leading material that can be cut while the rest stays a complete sentence:
# reporter tags, datelines, discourse connectives and generic attributions.
PREFIXES = [
    re.compile(r"[(\[<]\s*(?:사진|그래픽|자료|출처|영상)\s*[=:][^)\]>]{0,40}[)\]>]\s*"),
    re.compile(r"[\[【(<][^\]】)>]{0,40}?(?:기자|특파원|뉴스|일보|경제|신문|=)[^\]】)>]{0,20}[\]】)>]\s*"),
    re.compile(r"[가-힣]{2,4}\s*(?:기자|특파원)\s*=\s*"),
    re.compile(r"\[[가-힣]{2,6}\]\s*"),
    # Dates stay: without them two days' figures read as one ("14일 코스피는 …").
    re.compile(
        r"(?:[^\s“”\"‘’\d]+\s+){0,4}?"
        r"(?:업계|관계자|관계부처|당국|금융권|재계|외신|소식통|안팎|정부|부처)(?:에|들에)\s*"
        r"따르면\s*,?\s*"
    ),
    re.compile(r"(?:한편|또한|또|이어|아울러|이와\s*함께|이에\s*따라|그러면서|이\s*밖에)\s*,?\s+"),
]  # fmt: skip
# Sentences that lean on the one before them read badly on their own.
DANGLING = re.compile(
    r"^(?:이는|이에|이를|이로|이러한|이런|이같은|이\s*같은|그는|그녀는|그러나|하지만|"
    r"그런데|그래서|따라서|그럼에도|이와|그|이|반면|다만|특히|또|이들은|이곳은|해당)\s"
)
# Sentences about the article itself, not the news ("…궁금증을 Q&A로 정리했다.",
# "다음은 …의 주요 뉴스다.", "…을 짚어봤다.").
META = re.compile(
    r"Q\s*&\s*A|일문일답|(?:정리|짚어|살펴|알아|들어)(?:봤|보았|했)다\.?$|"
    r"(?:다음은|아래는)\s.{0,40}?(?:주요\s*뉴스|헤드라인|요약|일문일답)|주요\s*뉴스다"
)
HARD_REASONS = (
    ("furniture", FURNITURE),
    ("contact", CONTACT),
    ("caption", CAPTION),
    ("byline", BYLINE),
    ("furniture", META),
)
CAPTION_CREDIT = re.compile(r"\s*[(\[<]?\s*/?\s*(?:사진|그래픽|자료|영상)\s*[=:]")
SUBJECT = re.compile(r"([가-힣A-Za-z]{3,})(?:은|는|이|가)\s")
LIST_MARKS = re.compile(r"[△▲◇◆■□●○▶]|-[가-힣“‘\[]")
QUOTE_OR_BRACKET = re.compile(r"[“”‘’「」『』()\[\]]")
QUOTED_PHRASE_THEN_WORD = re.compile(r"[“\"][^”\"]*\s[^”\"]*[”\"] [가-힣]")
MID_ELLIPSIS = re.compile(r"[가-힣A-Za-z0-9’”'\"]\s?(?:…|\.\.\.?)\s?[가-힣“‘'\"A-Za-z]")


def noise_reason(text: str, min_chars: int = 20) -> str:
    """Why ``text`` cannot appear in a summary; ``""`` when it can."""
    stripped = text.strip()
    if not stripped:
        return "too_short"
    for reason, pattern in HARD_REASONS:
        if pattern.search(stripped):
            return reason
    if stripped.endswith("?"):
        return "question"
    body = stripped.rstrip("”’\"'")
    if body != stripped and stripped[0] in "“‘\"'":
        return "quote_only"
    if not DECLARATIVE.search(body):
        return "not_declarative"
    if not quotes_balanced(stripped):
        return "quote_fragment"
    if stripped[0] in "”’)]},.":
        return "quote_fragment"
    if len(LIST_MARKS.findall(stripped)) >= 3:
        return "list"
    if stripped[0] in "◇◆■□●○▶" or "◇" in stripped or "◆" in stripped:
        return "heading_glued"
    if _quote_then_bare_word(stripped):
        return "heading_glued"
    if MID_ELLIPSIS.search(stripped):
        # "…" inside a sentence marks a sub-heading pasted into the body.
        return "heading_glued"
    if len(stripped) < min_chars:
        return "too_short"  # complete but says little ("한국은 정반대다.")
    return ""


def quotes_balanced(text: str) -> bool:
    """True when every quotation mark and bracket in ``text`` is closed."""
    stack: list[str] = []
    for ch in QUOTE_OR_BRACKET.findall(text):
        if ch in OPEN_TO_CLOSE:
            stack.append(OPEN_TO_CLOSE[ch])
        elif ch in OPEN_TO_CLOSE.values():
            if not stack or stack[-1] != ch:
                return False
            stack.pop()
    return not stack and text.count('"') % 2 == 0


def _quote_then_bare_word(text: str) -> bool:
    """A quoted phrase followed by a bare word is a headline run into the sentence.

    In running Korean prose a closing double quote is followed by a particle ("”고",
    "”며", "”라는"); ``"사용 내역 공개 등 폐쇄적" 인천시 부평구…`` is a sub-headline.
    Single quotes name things (‘GPT-4.1’ 시리즈) and are left alone.
    """
    return bool(QUOTED_PHRASE_THEN_WORD.search(text))


def prefix_length(text: str) -> int:
    """How many leading characters can be cut (tags, datelines, connectives)."""
    cut = 0
    for _ in range(4):
        for pattern in PREFIXES:
            match = pattern.match(text, cut)
            if match and match.end() > cut and len(text) - match.end() >= 10:
                cut = match.end()
                break
        else:
            break
    return cut


def is_dangling(text: str) -> bool:
    """True when the sentence opens by pointing back at the previous one."""
    return bool(DANGLING.match(text))


def glued_heading(text: str, subjects: set[str]) -> bool:
    """True when a sub-heading was glued onto the sentence ("…개발파네시아는").

    A word that carries one of the article's recurring subjects after two or more
    other Hangul letters ("개발파네시아는", "상승파네시아는"), or Hangul run into a
    year ("확보2023년부터"), shows where a heading without punctuation was pasted;
    so does a name said twice in a few words with no clause ending between ("…
    SK하이닉스도 4위 껑충 SK하이닉스의 약진도 …").
    """
    if re.search(r"[가-힣]{2}(?:19|20)\d\d년", text):
        return True
    if _repeated_after_heading(text):
        return True
    for word in text.split()[:10]:
        for subject in subjects:
            at = word.find(subject)
            if at >= 2 and re.fullmatch(r"[가-힣]+", word[:at]):
                return True
    return False


_NAME_WORD = re.compile(
    r"(?<!\S)([A-Za-z가-힣][A-Za-z0-9가-힣]{1,14}?)(?:의|은|는|이|가|도)\s"
)
# What the word before a clause's subject can end in: a clause or list ending
# ("…늘었고", "…하며", "…와") or a particle.
_JOINS = tuple("고며서면데자해와과및도의에로를을은는이가만")


def _repeated_after_heading(text: str) -> bool:
    """A name (four letters or more) said again within a few words of its start,
    the word before the second one ending no clause: a headline pasted in front."""
    head = text[:80]
    for match in _NAME_WORD.finditer(head):
        name, start = match.group(1), match.start(1)
        first = head.find(name)
        if len(name) < 4 or first < 0 or first >= start or start - first > 24:
            continue
        before = head[:start].split()
        if not before or before[-1].endswith(_JOINS):
            continue
        last = before[-1][-1]
        if "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 in (4, 8):
            continue  # an adnominal ("제친 SK하이닉스의"): one clause
        return True
    return False


def recurring_subjects(sentences: list[str]) -> set[str]:
    """Names that open two or more sentences as their subject ("파네시아는 …")."""
    counts: dict[str, int] = {}
    for sentence in sentences:
        match = SUBJECT.match(sentence)
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return {name for name, count in counts.items() if count >= 2}


# Lines a reader skips over, which introduce nothing: captions, bylines, furniture,
# and nominal photo lines ("옥천군 다람쥐택시 이용 모습.").
UNREAD_REASONS = frozenset({"caption", "byline", "contact", "furniture"})
_PHOTO_LINE = re.compile(r"(?:모습|전경|장면|현장|사진|포즈)(?:이다)?\.?$")


def unread(text: str, reason: str | None = None) -> bool:
    """True when ``text`` is a line readers skip (``reason``: its noise_reason)."""
    reason = noise_reason(text) if reason is None else reason
    return reason in UNREAD_REASONS or (
        reason == "not_declarative" and bool(_PHOTO_LINE.search(text.strip()))
    )
