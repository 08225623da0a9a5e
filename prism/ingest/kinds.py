"""What an article is: news, analysis, a column, an interview, a digest or furniture.

Dumps mix columns ("[여명] …", "…[윤민혁의 실리콘밸리View]"), Q&A interviews,
digests ("[미리보는 이데일리 신문]", "다음은 … 주요 뉴스다") and page furniture in with
the news. Briefings are made of news and analysis, so each article is classified at
import by plain rules over its headline, section and body; editors can correct it.
The values match ``prism.models.Article.Kind``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from prism.nlp.korean import is_first_person

NEWS = "news"
ANALYSIS = "analysis"
OPINION = "opinion"
INTERVIEW = "interview"
DIGEST = "digest"
FURNITURE = "furniture"
KINDS = (NEWS, ANALYSIS, OPINION, INTERVIEW, DIGEST, FURNITURE)
# Kinds a briefing never selects by default (a reader type may allow opinion).
NOT_SELECTED = frozenset({OPINION, DIGEST, FURNITURE})

OPINION_SECTIONS = re.compile(r"오피니언|사설|칼럼|기고|시론|논단|독자\s*투고|사내칼럼")
# Headline tags of opinion pieces: [여명], [사설], [기고], [시론], [데스크 칼럼] …
OPINION_TAG = re.compile(
    r"[\[【<](?:[^\]】>]{0,20}?(?:칼럼|사설|기고|시론|논단|여명|만파식적|기자의\s*눈|"
    r"데스크|시평|포럼|에세이|단상|창|광장|발언대|기자수첩|특파원\s*리포트|"
    r"View|뷰|커피챗|톡톡|썰|레터|노트|읽기|산책))[^\]】>]{0,20}[\]】>]"
)
# A bylined series: "[김세중의 여의도 커피챗]", "[윤민혁의 실리콘밸리View]".
BYLINED_SERIES = re.compile(r"[\[【<][가-힣]{2,4}의\s*[^\]】>]{1,20}[\]】>]")
ANALYSIS_TAG = re.compile(
    r"[\[【<](?:[^\]】>]{0,10}?(?:분석|해설|진단|Why|왜|이슈|포커스|biz|심층|"
    r"뉴스\s*(?:분석|읽기)|Q&A|그래픽\s*뉴스))[^\]】>]{0,12}[\]】>]",
    re.IGNORECASE,
)
INTERVIEW_TAG = re.compile(r"[\[【<](?:[^\]】>]{0,10}?(?:인터뷰|만나다|대담|일문일답))")
QA_MARKER = re.compile(r"(?:^|[\s.\"”])(Q|A)\s*[.:)]\s*\S")
DIGEST_TAG = re.compile(
    r"미리\s*보는|주요\s*뉴스|오늘의\s*(?:주요|헤드라인)|조간\s*(?:브리핑|신문)|"
    r"신문\s*브리핑|뉴스\s*브리핑|헤드라인\s*모음"
)
DIGEST_BODY = re.compile(r"(?:다음은|아래는)\s.{0,40}?(?:주요\s*뉴스|헤드라인|요약)")
FURNITURE_TAG = re.compile(
    r"^\s*(?:[\[【<](?:인사|부고|부음|알림|사고|정정|바로잡습니다|게시판|오늘의\s*운세|"
    r"날씨|포토)[\]】>]|Skip to main content)"
)
# "우리는 …해야 한다": the paper arguing, on top of the writer's own voice.
ADVOCACY = re.compile(r"(?:^|\s)우리는\s.{0,20}?(?:해야|필요)")


@dataclass(frozen=True)
class Classification:
    kind: str
    reason: str


def classify_article(
    headline: str, body: str, section: str = "", subsection: str = ""
) -> Classification:
    """The kind of an article and, in Korean, the rule that decided it."""
    head = headline.strip()
    sections = f"{section} {subsection}"
    if FURNITURE_TAG.search(head) or FURNITURE_TAG.search(body[:40]):
        return Classification(FURNITURE, "제목·본문 첫머리가 안내문 형식")
    if DIGEST_TAG.search(head) or DIGEST_BODY.search(body[:400]):
        return Classification(DIGEST, "주요 뉴스 모음 형식")
    if OPINION_SECTIONS.search(sections):
        return Classification(OPINION, f"오피니언 섹션({sections.strip()})")
    if INTERVIEW_TAG.search(head):
        return Classification(INTERVIEW, "제목의 인터뷰 표시")
    if OPINION_TAG.search(head) or BYLINED_SERIES.search(head):
        return Classification(OPINION, "제목의 칼럼·연재 표시")
    markers = [match.group(1) for match in QA_MARKER.finditer(body)]
    if markers.count("Q") >= 2 and markers.count("A") >= 2:
        return Classification(INTERVIEW, "본문이 문답(Q/A) 형식")
    if opinion_voice(body):
        return Classification(OPINION, "본문이 1인칭·주장 문체")
    if ANALYSIS_TAG.search(head):
        return Classification(ANALYSIS, "제목의 분석·해설 표시")
    return Classification(NEWS, "")


def opinion_voice(body: str) -> bool:
    """True when several sentences speak in the writer's own voice."""
    sentences = re.split(r"(?<=다)\.\s+", body)
    voiced = sum(
        1
        for sentence in sentences
        if is_first_person(sentence) or ADVOCACY.search(sentence)
    )
    return voiced >= 3 and voiced / max(len(sentences), 1) >= 0.1
