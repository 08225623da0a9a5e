"""Korean text rules a briefing needs: particles, person names, headings, references.

Plain rules over strings and tagged morphemes; no Django. They turn a headline into
a noun-phrase section heading ("앞서가는 삼성SDI, 국내 첫 46파이 배터리 양산" →
"삼성SDI의 국내 첫 46파이 배터리 양산"), shorten attribution tails in the lead
("…출시한다고 밝혔다." → "…출시한다."), and tell which sentences lean on the one
before them ("이날", "그는", "같은 기간") so they are never shown without it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from prism.nlp.tokens import Tokenizer

# ------------------------------------------------------------------ particles


def has_final_consonant(word: str) -> bool:
    """Whether ``word`` ends in a consonant sound (받침), for choosing a particle."""
    last = word.rstrip(")]’”'\" ")[-1:] if word else ""
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    if last.isdigit():
        return last in "0136789"
    if last.isalpha():
        return last.lower() in "lmnr"
    return False


def with_particle(word: str, vowel: str, consonant: str) -> str:
    """``word`` + the particle form its last sound needs (와/과, 는/은)."""
    return word + (consonant if has_final_consonant(word) else vowel)


# --------------------------------------------------------------- person names

# Titles after which a word is a person's name, never a keyword ("정윤호 대표").
PERSON_TITLES = (
    "대표|회장|부회장|사장|부사장|전무|상무|장관|차관|총재|부총재|위원장|의원|교수|"
    "원장|부원장|청장|처장|실장|국장|과장|부장|팀장|센터장|본부장|연구원|연구위원|"
    "대변인|애널리스트|이사장|대통령|총리|지사|CEO|CFO|CTO|씨|전략가|부문장|"
    "최고경영자|최고기술책임자|창업자|의장"
)
COMMON_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민"
    "진나엄채원천방공현함변염여추도석선설마길연위표명기왕금옥육인맹제모탁국은편용예경봉"
)
PERSON = re.compile(
    r"([가-힣]{3})\s+(?:[가-힣A-Za-z0-9·]+\s+){0,2}?"
    rf"(?:{PERSON_TITLES})(?=[은는이가의도와과께,.\s”’)]|$)"
)


def person_names(text: str) -> set[str]:
    """Names of people in ``text`` (a surname-led word before a title)."""
    return {
        match.group(1)
        for match in PERSON.finditer(text)
        if match.group(1)[0] in COMMON_SURNAMES
    }


# --------------------------------------------------------- back-references

# Openings that point at the sentence before: a time (이날, 이후, 앞서, 같은 기간),
# a person or thing named there (그는, 이 회사, 두 상품, 해당 기업) or an argument
# (이는, 이에, 반면, 다만, 하지만).
BACK_REFERENCE = re.compile(
    r"^(?:이날|이후|앞서|당시|그날|이튿날|같은\s*날|같은\s*기간|같은\s*해|이\s*기간|"
    r"이때|이번에는|그는|그녀는|그들은|그가|그의|이들은|이들이|이곳은|이곳에서|"
    # ("이중 구조" is a double one.)
    r"(?:이\s(?:가운데|중)|이가운데|그\s?(?:가운데|중))(?:에서)?(?:는)?|"
    r"이\s*(?:회사|기업|업체|은행|제품|상품|기술|모델|서비스|사업|방안|제도|법안|정책|"
    r"펀드|기금|지역|곳|때문)|"
    r"해당\s*[가-힣]+|(?:두|세|네|양)\s*(?:상품|회사|기업|업체|사람|나라|국가|곳|제품|기간|"
    r"지역|사업|기관)|"
    r"이는|이에|이를|이로|이로써|이러한|이런|이같은|이\s*같은|이와|그러나|하지만|"
    r"그런데|그래서|따라서|그럼에도|반면|다만|또한|또|특히|게다가|더욱이|결국|"
    r"이어|이밖에|이\s*밖에(?:도)?|이외에도|이\s*외에도|그\s*밖에|그\s*외에(?:도)?|아울러|한편|"
    r"실제로|실제|이와\s*함께|그러면서|동시에|대신|여기에|게다가|"
    # A document told before, named only by what it is ("개정안에 따르면 …").
    r"(?:개정안|방안|대책|보고서|계획안|자료|발표)에\s따르면|"
    # A breakdown of a figure told before ("국가별로는 미국과 일본 …").
    r"[가-힣]{1,4}별(?:로는|로|론))"
    r"(?=[\s,은는이가의도를을에]|$)"
)


# A sentence that announces what the next one tells ("환율 상승은 수출
# 중소기업에 호재와 악재가 겹친다." — which?).
_FORWARD = re.compile(
    r"(?:겹친다|엇갈린다|교차한다|공존한다|(?:두|세|네)\s가지다|다음과\s같다)\.?$"
)


def leans_forward(sentence: str) -> bool:
    """True when ``sentence`` only announces what the sentence after it says."""
    return bool(_FORWARD.search(sentence.strip()))


# A sentence turning back what the one before it reported ("조만간 이 같은
# 추가 수출규제를 시행할 예정이었지만 H20이 규제 리스트에서 빠진 것으로 보인다"):
# a plan or an expectation, then what became of it.
_TURNS_BACK = re.compile(
    r"^(?:하지만|그러나|그런데)\s|(?:었|였|았|했|됐)(?:지만|으나)\s|예정이었|계획이었"
)


def overturns(sentence: str, before: str) -> bool:
    """True when ``sentence`` leans on ``before`` and turns it back: told alone,
    ``before`` would say the opposite of its article ("… 추가 수출규제를 준비해
    왔으며 여기에 H20도 포함된 것으로 알려졌다" without "… H20이 규제 리스트에서
    빠진 것으로 보인다")."""
    return (
        bool(before)
        and bool(_TURNS_BACK.search(sentence.strip()))
        and (leans_on_previous(sentence) or needs_context(sentence))
    )


def leans_on_previous(sentence: str) -> bool:
    """True when ``sentence`` opens by pointing back at the one before it."""
    return bool(BACK_REFERENCE.match(sentence.strip()))


# "각각" with nothing listed before it in the sentence ("새로운 목표치는 현재 대비
# 각각 12%, 15% 높은 수준이다"): the things it spreads over are in the one before.
_EACH = re.compile(r"(?<!\S)각각(?=\s)")
_LISTED = re.compile(r"[가-힣A-Za-z0-9](?:와|과)\s|\s및\s|·|,\s")


_THIS_ONE = re.compile(
    r"이번(?:에)?\s*(?:(?:발표된|공개된|나온|실시된|내놓은)\s(?:[^\s.]+\s){0,4}?)?"
    r"(수상|조치|결정|발표|사태|조사|보고서|회의|협상|행사|대회|설문|집계)"
)


def unanchored(sentence: str, before: str) -> bool:
    """Whether ``sentence`` names "이번 조사" (this survey, this decision …)
    while the text ``before`` it never names that survey: "이번 조사에서 TSMC는
    제외됐다" after a sentence on Qualcomm's sales points at nothing."""
    match = _THIS_ONE.search(sentence)
    return bool(match) and match.group(1) not in before


def refers_back(sentence: str) -> bool:
    """True when ``sentence`` names what the sentence before it said, anywhere in
    it: it opens pointing back (``leans_on_previous``), names "이번 조사" or "이
    같은 …" (``MID_REFERENCE``) or what was introduced only by what it is
    ("설문에 응한 …", "…회사는": ``OWNERLESS``), adds a subject with "역시"
    ("삼성전자 역시 …"), or spreads "각각" over things it does not list. Even a
    paragraph filled leniently takes such a sentence only after the one it
    refers to."""
    text = sentence.strip()
    each = _EACH.search(text)
    return bool(
        leans_on_previous(text)
        or MID_REFERENCE.search(text)
        or OWNERLESS.search(text)
        or _ALSO_SUBJECT.match(text)
        or (each and not _LISTED.search(text[: each.start()]))
    )


SUBJECT_PARTICLES = frozenset(
    {"이", "가", "은", "는", "께서", "이가", "에서는", "에선"}
)
# Endings that continue the sentence before: "…라는 것이다", "…때문이다", "…면서다".
DEPENDENT_ENDING = re.compile(
    r"(?:것|때문|셈|대표적|까닭|탓|덕분|분석|전망|설명|지적|관측|주장|얘기|입장|영향)"
    r"이다[.”’\"]*$|(?:평가|여파|결과)다\.?$|것이\s영향을\s미쳤다\.?$|(?:면서|해서|어서)다\.?$|"
    r"(?:해석|풀이|분석)이\s*나온다\.?$|(?:풀이|해석)된다\.?$|읽힌다\.?$"
)
# "…점도", "…에서도", "삼성전자 역시": adds to something said before.
ADDITIVE = re.compile(
    r"(?:점|것|수|데|적|때|에서|에게|으로|[가-힣]로|까지|부터|만큼)도\s|^\S+\s역시\s"
)
# A subject added with "역시" ("물가 불안 역시 …", "SK하이닉스 역시 …").
_ALSO_SUBJECT = re.compile(r"^(?:\S+\s){0,2}\S+\s역시\s")
# References anywhere in a sentence to something the sentence before named.
MID_REFERENCE = re.compile(
    r"(?:두|이|같은|해당|그)\s*기간|이\s*같은|그보다|이보다|앞서\s*(?:언급|밝힌|말한)|"
    r"이번\s*(?:수상|조치|결정|발표|사태|조사|보고서|회의|협상|행사|대회)"
)
# A surname and a title alone ("장 실장은", "김 대표는") name someone introduced
# before; so does a quotation whose speaker is left for the sentence before.
SURNAME_TITLE = re.compile(
    r"^[가-힣]\s?(?:실장|사장|대표|회장|장관|교수|지사|위원장|의원|원장|부장|팀장|총재|"
    r"차관|청장|본부장|이사|연구원|센터장|전무|상무|부사장|씨)(?:은|는|이|가|도)\s"
)
SPEAKERLESS_QUOTE = re.compile(
    r"^[“\"][^”\"]+[”\"](?:라며|며|고|라고)?\s*(?:말했다|밝혔다|"
    r"강조했다|덧붙였다|설명했다|지적했다|주장했다)?\.?$"
)
# A bare generic subject ("펀드는", "회사는", "매출이") refers to one named before.
GENERIC_SUBJECT = re.compile(
    r"^(?:펀드|회사|업체|포럼|행사|보고서|조사|연구진|연구자들|관계자|관계자들|"
    r"단체|협회|위원회|법안|제도|프로그램|서비스|제품|모델|"
    # A company's figure without the company ("매출이 60.8%나 올랐지만 …").
    r"매출|매출액|영업이익|순이익|주가|점유율|실적|시가총액)(?:은|는|이|가|에서는)\s"
)
# What was introduced before, named only by what it is: a figure with no owner
# ("누적 투자 유치 금액은 510억 원이며", "올해 매출은 … 회사는 예상했다"), the
# company as "회사" mid-sentence, a statement the sentence before made ("당국의
# 발언이 나온 뒤"), a survey told before ("설문에 응한 기업 300곳 가운데").
OWNERLESS = re.compile(
    r"^(?:(?:누적|투자|유치|올해|올|지난해|연간|전체|총|예상|\d분기|상반기|하반기)\s)"
    r"{1,3}(?:금액|매출|매출액|영업이익|영업손실|순이익|순손실|기업가치|투자액)"
    r"(?:은|는|이|가)\s|"
    # Those a programme told before reaches ("바우처를 받은 기업은").
    r"^[가-힣]+(?:을|를)\s(?:받은|신청한|지원받은)\s(?:기업|업체|가구|곳)(?:들)?"
    r"(?:은|는|이|가)\s|"
    r"\s회사(?:는|가|\s측은|\s측도)\s|"
    r"^(?:[가-힣]+의\s)?(?:발언|발표|조치|개입|결정)(?:이|가)\s나온\s(?:뒤|후|이후)|"
    r"^(?:이번\s)?설문에\s응한|"
    # A share of a whole told before ("투자의 70% 이상이 …", "전체의 30%가").
    r"^[가-힣]{1,5}의\s(?:\d[\d.,]*\s?%|절반|대부분|상당수|\d+분의\s?\d)|"
    # A rise of places whose measure the sentence before named ("송파구와
    # 성동구가 각각 0.18%, 0.15% 올라": what rose?).
    r"^[가-힣]{1,6}(?:구|시|군|도)(?:와|과)\s[가-힣]{1,6}(?:구|시|군|도)(?:가|이|는|은)\s"
    r"각각\s\d[\d.]*%"
)
# Survey figures whose survey the sentence does not name ("전체 응답자의 52%가 …").
UNNAMED_SURVEY = re.compile(r"^(?:전체\s*)?응답자(?:의|들의|들은|들이|는|가)?\s")
_SURVEY = re.compile(r"조사|설문|여론|보고서")
# A contrast whose other side goes unnamed ("상호관세와 달리 정교한 접근이
# 필수적이다": what needs the careful approach was the sentence before's subject).
_CONTRAST_FRAME = re.compile(r"^[^,]{0,40}?(?:와|과)\s달리\s")
_TOPIC = re.compile(r"[가-힣A-Za-z0-9](?:은|는)\s")
# An unnamed person ("이 모(30) 씨는") opens a feature's anecdote, not a news account.
ANONYMOUS_PERSON = re.compile(r"[가-힣]\s?모\s?\(\d{1,2}\)\s?씨")


# Topic particles on a time or place, not on a subject ("내년에는 …노릴 수 있다":
# who will?).
_ADVERBIAL_TOPICS = frozenset(
    {"에는", "로는", "으로는", "까지는", "부터는", "와는", "과는"}
)


def needs_context(sentence: str, tagged: list[tuple[str, str]] | None = None) -> bool:
    """True when ``sentence`` cannot be understood without the one before it.

    It points back ("이날", "그는", "아울러"), adds to something said before (the
    particle 도 on an argument: "…목표치도 하향조정했다"), continues an argument
    ("…라는 것이다"), gives a survey's figures without the survey ("전체 응답자의
    52%가"), names what was introduced before only by what it is ("누적 투자
    유치 금액은", "…회사는 예상했다", "당국의 발언이 나온 뒤": ``OWNERLESS``),
    opens an anecdote on an unnamed person ("이 모(30) 씨는"), sets
    something against a subject it leaves to the sentence before ("상호관세와 달리
    정교한 접근이 필수적이다"), or, given
    its morphemes, has no subject or topic at all ("…과 비교해도 두 배 이상 많다").
    """
    text = sentence.strip()
    if (
        leans_on_previous(text)
        or DEPENDENT_ENDING.search(text)
        or ADDITIVE.search(text)
        or MID_REFERENCE.search(text)
        or GENERIC_SUBJECT.match(text)
        or OWNERLESS.search(text)
        or SURNAME_TITLE.match(text)
        or SPEAKERLESS_QUOTE.match(text)
        or ANONYMOUS_PERSON.search(text)
        or (UNNAMED_SURVEY.match(text) and not _SURVEY.search(text))
        or (
            (frame := _CONTRAST_FRAME.match(text))
            and not _TOPIC.search(text[frame.end() :])
        )
    ):
        return True
    if tagged is None:
        return False
    particles = [form for form, tag in tagged if tag == "Josa"]
    if "도" in particles:
        return True
    return not any(
        p in SUBJECT_PARTICLES
        or (p.endswith(("은", "는")) and p not in _ADVERBIAL_TOPICS)
        for p in particles
    )


# A bare name opening the sentence as its topic ("투링반은 …").
_BARE_TOPIC = re.compile(r"^([가-힣A-Za-z][가-힣A-Za-z0-9]{1,9})(?:은|는|이|가)\s")
_BARE_TOPIC_PHRASE = re.compile(
    r"^([가-힣A-Za-z][가-힣A-Za-z0-9]{1,9}\s[가-힣]{1,5})(?:은|는|이|가)\s"
)
_TITLE_WORD = re.compile(
    r"(?:대통령|총리|장관|주석|회장|부회장|사장|대표|의장|총재|위원장|교수|의원|"
    r"CEO|최고경영자|창업자)"
)
# Topics every reader knows without an introduction.
_KNOWN_TOPICS = frozenset(
    "한국 미국 중국 일본 유럽 러시아 인도 정부 우리나라 국내 업계 시장 전문가 전문가들 "
    "투자자 투자자들 소비자 기업들".split()
)


# A ministry, agency or committee every reader knows ("교육부", "국세청",
# "금융위원회"), and the central bank.
_PUBLIC_BODY = re.compile(r"[가-힣]{2,8}(?:부|청|처|위원회)|한국은행|국회")


_COUNTED_NAME = re.compile(r"^([가-힣]{3,})\s\d[\d,.]*\s?(?:곳|개|명|건|가구|개사)\s")


# A short noun opening a sentence ("센터에 들어가는 …", "공장은 …"): where the
# article named it earlier as the tail of a longer name ("국가AI컴퓨팅센터"), it
# is that name shortened, and means nothing on its own.
# Only the heads of names of places and bodies count: a product's or a
# field's noun ("반도체는" after "AI반도체") is a word of its own.
_SHORT_REFERENCE = re.compile(
    r"^(센터|공장|법인|재단|협회|펀드|기금|단지|연구소|연구원|조합|매장|거래소|"
    r"플랫폼|캠퍼스|클러스터|특구|지구)(?:은|는|이|가|에서|에|의|을|를|도)\s"
)


def _shortened_name(sentence: str, earlier: str, title: str) -> bool:
    match = _SHORT_REFERENCE.match(sentence.strip())
    if not match:
        return False
    noun = match.group(1)
    longer = re.compile(
        rf"[가-힣A-Za-z0-9]{{2,}}{re.escape(noun)}"
        r"(?:(?![가-힣])|(?=(?:은|는|이|가|에|의|을|를|도|와|과|로)(?![가-힣])))"
    )
    alone = re.compile(rf"(?<![가-힣A-Za-z0-9]){re.escape(noun)}")
    # Said alone before, the article uses the noun as a noun of its own.
    return bool(longer.search(f"{title} {earlier}")) and not alone.search(earlier)


def introduced_earlier(sentence: str, earlier: str, title: str) -> bool:
    """True when ``sentence`` opens on a bare name ("투링반은", or two words the
    article used before: "클러스터링 기술은") that the article introduced in an
    earlier sentence (``earlier``) and its headline does not carry:
    read on its own, the name means nothing. A name with its title ("조성배 교수는")
    or a descriptor before it introduces itself and does not count. So does a
    short noun for a longer name the article gave (``_shortened_name``: "센터에
    들어가는 …" after "국가AI컴퓨팅센터")."""
    if _shortened_name(sentence, earlier, title):
        return True
    match = _BARE_TOPIC.match(sentence.strip())
    counted = _COUNTED_NAME.match(sentence.strip())
    if not match and counted and counted.group(1) not in _COMMON_SUBJECTS:
        # A name counted ("선도지구 13곳 … 가운데 첫 이주 대상은"): which ones?
        match = counted
    if not match:
        # Two words the article used before ("클러스터링 기술은" after "…통합하는
        # 클러스터링 기술을 내재화했다").
        match = _BARE_TOPIC_PHRASE.match(sentence.strip())
        if (
            not match
            or match.group(1) not in earlier
            or len(match.group(1).split()[0]) < 3
            or _TITLE_WORD.match(match.group(1).split()[1])
        ):
            return False  # a name with its title introduces itself
    word = match.group(1).split()[0]
    if word in _KNOWN_TOPICS or len(word) < 2 or _PUBLIC_BODY.fullmatch(word):
        return False
    return word in earlier and word not in title


# Relative times that only mean something on the day the article appeared.
RELATIVE_TIME = re.compile(
    r"어제|오늘|내일|그제|올해|올\s|내년|지난해|작년|이번\s*주|다음\s*주|지난주|이달|지난달|"
    r"다음\s*달|최근"
)
INTRADAY = re.compile(
    r"\d{1,2}시\s*(?:\d{1,2}분)?\s*(?:현재|기준)|장중|오전\s*\d|오후\s*\d"
)
# A market told as it is moving that day ("이날 중국 증시는 오름세를 보이고 있다"):
# by the next morning's briefing the day has closed.
MARKET_NOW = re.compile(
    r"이날\s.{0,30}(?:증시|지수|주가|코스피|코스닥|환율|금리)\S*\s.{0,30}"
    r"(?:보이고|거래되고|오르고|내리고|떨어지고|상승하고|하락하고)\s있다\.?$"
)


def time_bound(sentence: str, *, estimated: bool) -> bool:
    """True for a sentence tied to one moment: an intraday snapshot, or relative
    time words in an article whose date is only estimated (undated sources)."""
    if INTRADAY.search(sentence) or MARKET_NOW.search(sentence.strip()):
        return True
    return estimated and bool(RELATIVE_TIME.search(sentence))


# ------------------------------------------------------------- reported days

_DAY = re.compile(r"(\d{1,2})일")
# Before the day: part of a figure or range ("18~20일"), a month of its own
# ("3월 12일"), or a word that moves it out of the article's month ("지난달 28일").
_DAY_NOT_THIS_MONTH = re.compile(
    r"(?:[\d.~∼\-]|\d{1,2}월\s*|지난달\s*|다음\s*달\s*|내달\s*|오는\s*|매월\s*|"
    r"매달\s*)$"
)
# After the day: a duration ("3일 만에", "5일간") rather than a date.
_DAY_DURATION = re.compile(
    r"\s*(?:간|째|동안|만에|연속|치|이내|내로|이상|이하|전|후|뒤|마다|가량|정도)"
)
# A plan rather than a report ("20일 발표할 예정").
_DAY_PLAN = re.compile(r"예정|계획|열릴|열린다|할\s*방침|앞두고|까지|부터")


def reported_days(text: str) -> set[int]:
    """Days of the month ``text`` reports events on: "18일 …했다", "어제(20일)".

    Korean news names a day of its own month by the day alone; days with a month,
    ranges, durations and plans are left out.
    """
    return set(_reported_days(text))


def last_reported_day(text: str) -> int | None:
    """The last day of the month ``text`` reports an event on (see
    ``reported_days``), or ``None``."""
    days = _reported_days(text)
    return days[-1] if days else None


def _reported_days(text: str) -> list[int]:
    days = []
    for match in _DAY.finditer(text):
        day = int(match.group(1))
        if not 1 <= day <= 31:
            continue
        if _DAY_NOT_THIS_MONTH.search(text[max(0, match.start() - 6) : match.start()]):
            continue
        after = text[match.end() : match.end() + 40]
        if _DAY_DURATION.match(after):
            continue
        if _DAY_PLAN.search(re.split(r"[.!?]", after, maxsplit=1)[0][:25]):
            continue
        days.append(day)
    return days


# An opening that already places a sentence in time, or points back.
_TIME_OPENING = re.compile(r"^(?:앞서|이에\s앞서|지난|당시|그간|그동안|이보다)\s")


def in_time_order(texts: Sequence[str]) -> list[str]:
    """``texts`` (one paragraph's sentences) with "앞서" opening each sentence
    that reports only days before those the paragraph last reported: "…11일에는
    … 13일에는 …라고 밝혔다." then "앞서 트럼프 대통령은 이달 4일 … 9일 … 유예했다."
    reads as what came before, not as what came next."""
    told = list(texts)
    before: set[int] = set()  # the days the paragraph last reported
    for index, text in enumerate(told):
        days = reported_days(text)
        if (
            days
            and before
            and max(days) < min(before)
            and not leans_on_previous(text)
            and not _TIME_OPENING.match(text)
        ):
            told[index] = "앞서 " + text
        before = days or before
    return told


def reports_later_day(text: str, day: int) -> bool:
    """True when ``text`` reports an event on a day of the month after ``day``:
    a text dated by estimate to ``day`` must then be older than that date."""
    return any(reported > day for reported in reported_days(text))


# ------------------------------------------------------------- compression

# A parenthetical that glosses ("(AI)", "(DeepSeek)", "(현지시간)", "(대표 …)").
PARENTHETICAL = re.compile(r"\s?\([^()]{1,40}\)")
# A date in parentheses ("이달(1~9일 기준)", "어제(20일)") says when, not what.
_DATED_GLOSS = re.compile(r"\d{1,2}\s?[일월]")


# What may follow a gloss without a space: a particle, punctuation, a space.
_AFTER_GLOSS = re.compile(
    r"[\s.,·”’]|부터|까지|보다|처럼|에서|으로|이나|만큼|[을를이가은는의에와과도로만]"
)


# A currency conversion ("20억 달러(약 3조 원)") or a count the sentence goes on
# to compare ("2018년(93만 6183명)부터 꾸준히 줄어 …") is a figure, not a gloss.
_CONVERSION = re.compile(r"\d[^()]*(?:원|달러|엔|위안|유로|명|곳|개|건|대|톤|%)\s?\)$")


def _without_gloss(match: re.Match[str]) -> str:
    """A currency conversion stays; a gloss leaves a space between words
    ("어제(20일)서울" → "어제 서울") but none before a particle
    ("딥시크(DeepSeek)가" → "딥시크가", "2018년(…)부터")."""
    if _CONVERSION.search(match.group(0)):
        return match.group(0)  # a won figure the sentence may go on to compare
    gloss = match.group(0).strip()
    if _DATED_GLOSS.search(gloss) and "현지" not in gloss and len(gloss) <= 12:
        return match.group(0)  # the period a figure covers, the day "어제" was
    after = match.string[match.end() : match.end() + 3]
    return "" if not after or _AFTER_GLOSS.match(after) else " "


# A lead-in that only says where the figures are read ("기업별 실적을 보면 엔비디아가
# …", "지역별로 보면 …"): away from the article it points at a report not shown.
_LOOKING_AT = re.compile(
    r"^(?:[가-힣]+별\s[가-힣]+(?:을|를)|[가-힣]+별로|구체적으로|세부적으로)\s보면\s(?=\S)"
)


# The meeting an announcement came out of, between its date and what was
# decided ("20일 전체회의를 열고 …", "19일 서울 중구 한은 본관에서 통화정책방향
# 회의를 열고 …"): the lead tells what was decided. (A plan's name stays: "‘1기
# 신도시 이주 지원 대책’을 발표하고" is what the rest of the sentence is about.)
_OCCASION = re.compile(
    r"(?<=\d일\s)(?:(?:(?!\d)\S+\s){0,3}\S+에서\s)?"
    r"(?:(?!\d)\S+\s)?\S*회의를\s열고\s(?=\S)"
)


# A close told in points and per cent ("전 거래일보다 37.41포인트(0.90%) 오른
# 4192.40에"): the lead gives the per cent.
_MARKET_MOVE = re.compile(
    r"전\s?(?:거래일|날)(?:보다|\s대비|대비)\s[\d.,]+\s?포인트\s?"
    r"\((?P<rate>[+\-]?[\d.,]+\s?%)\)\s(?=\S)"
)


# Asides a reader of a 핵심 요약 does without: a listed company's stock code
# ("삼성전자(005930)"), "(현지 시간)", and a title's or a name's translation of
# several Latin words ("‘핵심 자원은 인재입니다(The Main Resource is the
# Human)’"). A one-word gloss ("딥시크(DeepSeek)", "(HBM)") stays: it is how the
# reader meets the name.
_ASIDE = re.compile(
    r"\s?\((?:(?:KS|KQ|KRX)?:?\s?\d{6}|현지\s?시간|"
    r"[A-Za-z][A-Za-z'’.,&-]*(?:\s[A-Za-z][A-Za-z'’.,&-]*)+)\)"
)


def without_asides(text: str) -> str:
    """``text`` without the asides of ``_ASIDE``; every other word stays."""
    return re.sub(r"\s{2,}", " ", _ASIDE.sub("", text)).strip()


def compress(sentence: str) -> str:
    """``sentence`` as a lead tells it: glosses in parentheses, a lead-in saying
    where the figures are read ("기업별 실적을 보면"), the meeting an
    announcement came out of ("전체회의를 열고") and an announcement tail
    ("…라고 밝혔다") dropped.

    Nothing is added and the rest keeps its words, so every word still comes from
    the article. A source ("에버코어ISI에 따르면") stays: without it a firm's
    estimate would read as the paper's own fact. Dates stay too, and a gloss that
    gives one ("이달(1~9일 기준)"): without them, a week-old figure or last
    week's event reads as today's.
    """
    text = _MARKET_MOVE.sub(r"\g<rate> ", sentence.strip(), count=1)
    text = PARENTHETICAL.sub(_without_gloss, text)
    text = _LOOKING_AT.sub("", " ".join(text.split()), count=1)
    return drop_attribution(_OCCASION.sub("", text, count=1))


_THIS_DAY = re.compile(r"(?<=\S)\s이날(?=(?:\s*\(현지\s*시간\))?\s)")


def has_this_day(sentence: str) -> bool:
    """Whether an "이날" inside ``sentence`` (not opening it) points at a day."""
    return bool(_THIS_DAY.search(sentence))


def with_this_day(sentence: str, day: int) -> str:
    """``sentence`` with the ``day`` its inner "이날" stands for ("중국은 이날
    보복관세를 84%까지 올리고" → "중국은 10일 보복관세를 …"): away from its
    article, "that day" would point at no date, and without one the reader takes
    a rate of the 10th for today's. An opening "이날" is a back-reference and
    stays (see ``leans_on_previous``)."""
    return _THIS_DAY.sub(f" {day}일", sentence)


# ----------------------------------------------------------------- restating

# A well-known leader's given name and country before the title ("도널드 트럼프
# 미국 행정부" → "트럼프 행정부"): the 핵심 요약 introduces, the lead names.
_FULL_TITLE = re.compile(
    r"(?<!\S)[가-힣]{1,4}\s([가-힣]{2,4})\s(?:미국|중국|일본|러시아|프랑스|영국|독일)\s"
    r"(대통령|행정부|정부|총리|국가주석|주석)"
)
# A concession before the statement ("…심화하고 있지만 우리나라의 …").
_CONCESSION = re.compile(r"^([^,“”\"]{8,}?(?:지만|으나|는데|면서)),?\s(?=\S)")
# What a company's descriptor ends with ("미국의 대형 투자은행 골드만삭스").
_CATEGORY = re.compile(r"(?:은행|업체|기업|회사|기관|운용사|증권사|개발사|제조사)$")
_NAME_TAGS = {"Noun", "Alpha", "Number", "Foreign"}
_COMMON_SUBJECTS = frozenset(
    "기업 기업들 회사 업체 업체들 정부 시장 사람 사람들 투자자 투자자들 소비자 학생 "
    "학생들 직원 직원들 국가 나라 은행 은행들 도시 지역 가구 가계 제품 서비스 "
    # People told by what they do: the clause before says which ("생성형 AI를
    # 업무에 활용하는 직장인이 절반을 넘어서면서").
    "직장인 직장인들 근로자 청년 청년들 자영업자 소상공인 세입자 무주택자 신혼부부 "
    "창업자 대학생 고객 이용자 사용자 국민 시민 주민 환자 고령자 개인 개미".split()
)
RESTATED_MAX_SHARE = 0.9  # of the lede's characters, at most, for a restatement
# A list of three or more short items before "등" ("반도체 및 제조 장비,
# 스마트폰, 컴퓨터 등 전자제품"): the first item and "등" say it in a lead.
_LIST = re.compile(
    r"(?<!\S)(?P<first>[가-힣]+)(?:(?:,\s|\s및\s)[가-힣]+(?:\s[가-힣]+)?){2,}\s등(?=\s)"
)


def shorten_list(text: str) -> str:
    """``text`` with each list of three or more short items before "등" told by
    its first item: "반도체 및 제조 장비, 스마트폰, 컴퓨터 등 전자제품" → "반도체 등
    전자제품". Lists with figures or Latin letters ("BYD(183억 원), …",
    "SK하이닉스, LG전자 …") stay: their items are the news."""
    return _LIST.sub(lambda m: f"{m.group('first')} 등", text)


# A term glossed by its capital abbreviation, which a lead or headline names it by
# ("고대역폭메모리(HBM)" → "HBM", "인공지능(AI)" → "AI").
_ABBREVIATED = re.compile(
    r"(?<![가-힣])(?P<term>[가-힣]{2,10})\((?P<short>[A-Z]{2,5}\d?)\)"
)
_PARTICLE_AFTER = (
    r"(?P<particle>으로|에서|이|가|은|는|을|를|과|와|로|의|에|도|만)?(?![가-힣])"
)
_PARTICLE_FORMS = {
    "이": ("가", "이"), "가": ("가", "이"), "은": ("는", "은"), "는": ("는", "은"),
    "을": ("를", "을"), "를": ("를", "을"), "과": ("와", "과"), "와": ("와", "과"),
    "으로": ("로", "으로"), "로": ("로", "으로"),
    **{same: (same, same) for same in ("에서", "의", "에", "도", "만")},
}  # fmt: skip


def abbreviate(text: str) -> str:
    """``text`` naming each term it glosses by a capital abbreviation by that
    abbreviation, wherever the term stands, with the particle its sound takes
    ("인공지능(AI)이 … 인공지능을" → "AI가 … AI를")."""
    for term, short in dict(
        (m.group("term"), m.group("short"))
        for m in _ABBREVIATED.finditer(text)
        # A term no longer than its letters is their reading ("팁스(TIPS)",
        # "디램(DRAM)"), the name the paper uses.
        if len(m.group("term")) > len(m.group("short").rstrip("0123456789"))
    ).items():
        place = re.compile(
            rf"(?<![가-힣]){re.escape(term)}(?:\({re.escape(short)}\)|(?!\())"
            + _PARTICLE_AFTER
        )

        def named(match: re.Match[str], short: str = short) -> str:
            particle = match.group("particle")
            if not particle:
                return short
            return with_particle(short, *_PARTICLE_FORMS[particle])

        text = place.sub(named, text)
    return text


# Words a lead does without: they grade, they report nothing ("차세대 HBM",
# "빠르게 바뀌고 있다").
_ORNAMENT = re.compile(r"(?<!\S)(?:차세대|빠르게|더욱|한층|점차)\s(?=\S)")


def restate(sentence: str, headline: str, tokenizer: Tokenizer) -> str | None:
    """The lede of an item's 핵심 요약 told shorter for the lead, or ``None`` when
    it cannot be told shorter without losing what happened.

    The paper's own leads open on the day's news and say it in fewer words than
    the 핵심 요약 below them: "인공지능(AI) 반도체 열풍을 주도하는 엔비디아가 처음으로
    …" becomes "엔비디아가 처음으로 …". Only words are dropped — glosses, an
    announcement tail (``compress``), all but the first item of a list before
    "등" (``shorten_list``), a clause or descriptor before a subject the headline
    names, a concession or circumstance before the statement ("…지만", "투자
    혹한기가 길어지면서"; unless it carries a word of the headline the rest
    lacks), an occasion or cause ("…을 앞두고", "…에 대응해", "…에 힘입어"), what
    a name the headline carries is ("…프로그램인 팁스"), the second of two present
    clauses, a leader's given name, words that only grade (``_ORNAMENT``) — so
    every word still comes from the article; a term glossed by its abbreviation
    is named by it (``abbreviate``). A restatement saves at least a tenth of
    the lede, glosses and abbreviations aside: one that keeps it all would be a
    copy.
    """
    original = sentence.strip()
    abbreviated = abbreviate(original)
    # (What a name is goes before its gloss becomes its abbreviation.)
    text = " ".join(_without_apposition(original.split(), headline, tokenizer))
    text = _ORNAMENT.sub("", abbreviate(text))
    text = _FULL_TITLE.sub(
        r"\1 \2", shorten_list(drop_finding_tail(compress(text))), count=1
    )
    concession = _CONCESSION.match(text)
    if concession:
        rest = text[concession.end() :]
        if (
            not needs_context(rest)
            and _subject_index(rest.split(), tokenizer) >= 0
            and not _carries_topic(original[: concession.end()], rest, headline)
        ):
            text = rest
    words = text.split()
    subject = _subject_index(words, tokenizer)
    if subject > 0:
        stem = _name_stem(words[subject], tokenizer)
        # A name the headline carries; a common noun ("…활용하는 기업은") needs
        # the clause that says which.
        if stem and stem not in _COMMON_SUBJECTS and stem in headline.replace(" ", ""):
            start = _descriptor_end(words[:subject], tokenizer)
            if start:
                words = words[start:]
    text = _first_of_two(_CIRCUMSTANCE.sub("", " ".join(words), count=1), tokenizer)
    # Glosses do not count, nor naming a term by its abbreviation: either way
    # the lede is still the same sentence.
    plain = PARENTHETICAL.sub(_without_gloss, abbreviated)
    if needs_context(text) or len(_compact(text)) > RESTATED_MAX_SHARE * len(
        _compact(plain)
    ):
        return None
    return text


def elide_repeated_subject(previous: str, text: str, tokenizer: Tokenizer) -> str:
    """``text`` without its opening subject when ``previous`` opens on the same
    one ("엔비디아가 … 올라섰다. 엔비디아가 AI 칩 수요의 …" → "… AI 칩 수요의
    …"): Korean leaves out a subject that carries on. A common noun
    ("기업은") stays: the next one may be other companies."""
    words = text.split()
    if len(words) < 4 or _subject_index(words, tokenizer) != 0:
        return text
    earlier = previous.split()
    at = _subject_index(earlier, tokenizer)
    if at < 0:
        return text
    stem = _name_stem(words[0], tokenizer)
    if (
        not stem
        or stem in _COMMON_SUBJECTS
        or stem != _name_stem(earlier[at], tokenizer)
        or needs_context(" ".join(words[1:]))
        # "세진반도체는 20일 …" keeps its subject: a sentence opens on no date.
        or re.match(r"\d", words[1])
    ):
        return text
    return " ".join(words[1:])


# The occasion or cause a statement answers, which a lead leaves to the 핵심
# 요약 ("연말 배당 시즌을 앞두고 …", "정부가 청년 고용률 하락에 대응해 …", "…
# K-소비재 인기에 힘입어"): up to six words, none of them a subject.
_CIRCUMSTANCE = re.compile(
    r"(?:^|(?<=\s))(?:(?![^\s]*(?:가|이|는|은)\s)\S+\s){1,5}"
    r"(?:\S*(?:을|를)\s앞두고|\S*에\s대응(?:해|하기\s위해)|\S*에\s힘입어)\s(?=\S)"
)
# A present statement's first clause, when the sentence goes on to a second
# ("전셋값이 28주 연속 오르며 전세 시장 불안이 커지고 있다" → "전셋값이 28주 연속
# 오르고 있다"): the news, without what follows from it.
_TWO_CLAUSES = re.compile(r"^(?P<head>[^,“”\"]{8,}?)\s(?P<verb>\S+)며\s(?P<rest>.+)$")


def _first_of_two(text: str, tokenizer: Tokenizer) -> str:
    match = _TWO_CLAUSES.match(text)
    if not match or not re.search(r"고\s있다\.$", text):
        return text
    verb = match.group("verb")
    tagged = tokenizer.pos(verb + "며")
    # A verb in the present ("오르며", "늘리며"), not a past ("늘었으며") or the
    # copula ("상황이며"), and a subject before it.
    if (
        len(tagged) != 1
        or tagged[0][1] != "Verb"
        or verb.endswith("으")
        or not any(
            (word_tags := tokenizer.pos(word))
            and word_tags[-1][1] == "Josa"
            and word_tags[-1][0] in {"이", "가", "은", "는"}
            for word in match.group("head").split()
        )
    ):
        return text
    return f"{match.group('head')} {verb}고 있다."


def _without_apposition(
    words: list[str], headline: str, tokenizer: Tokenizer
) -> list[str]:
    """``words`` without the clause that says what a name the headline carries is
    ("정부가 민간 투자와 연계한 창업 지원 프로그램인 팁스 예산을 …" → "정부가 팁스
    예산을 …"), when it comes right after the subject."""
    subject = _subject_index(words, tokenizer)
    if subject < 0:
        return words
    compact = headline.replace(" ", "")
    for index in range(subject + 2, min(len(words) - 1, subject + 8)):
        word = words[index]
        tagged = tokenizer.pos(word)
        # ("사업인" the tagger may read as one noun, "businessperson".)
        copula = tagged and tagged[-1] == ("인", "Josa")
        if not copula and not (
            len(word) >= 3
            and word.endswith("인")
            and all(tag == "Noun" for _, tag in tokenizer.pos(word[:-1]))
        ):
            continue
        name = _PARTICLE_END.sub("", PARENTHETICAL.sub("", words[index + 1]))
        if len(name) >= 2 and name in compact:
            return [*words[: subject + 1], *words[index + 1 :]]
        return words
    return words


_PARTICLE_END = re.compile(r"(?:을|를|이|가|은|는|의|에|도)$")


# Agencies the papers name short once named in full ("중기부" for 중소벤처기업부).
AGENCY_SHORT_NAMES = {
    "중기부": "중소벤처기업부", "국토부": "국토교통부", "산업부": "산업통상자원부",
    "공정위": "공정거래위원회", "금융위": "금융위원회", "금감원": "금융감독원",
    "개인정보위": "개인정보보호위원회", "개보위": "개인정보보호위원회",
    "과기정통부": "과학기술정보통신부", "기재부": "기획재정부", "한은": "한국은행",
    "고용부": "고용노동부", "복지부": "보건복지부", "식약처": "식품의약품안전처",
    "방통위": "방송통신위원회", "금통위": "금융통화위원회", "선관위": "선거관리위원회",
}  # fmt: skip
# An organisation glossed by its Latin letters ("한국지능정보사회진흥원(NIA)").
_GLOSSED_BODY = re.compile(
    r"(?<![가-힣])(?P<full>[가-힣]{2,20}(?:원|부|청|처|위원회|협회|공사|공단|연구소|"
    r"진흥원|은행|센터|재단|기구|거래소|조합))\((?P<short>[A-Z]{2,6})\)"
)


def spelled_out_first(parts: Sequence[str], sources: str) -> list[str]:
    """``parts`` (the briefing's paragraphs, in reading order) with the first
    mention of an agency or organisation by its short name spelled out where
    nothing before named it in full: "중기부는 …" → "중소벤처기업부는 …", "NIA
    관계자는" → "한국지능정보사회진흥원(NIA) 관계자는". Only names ``sources`` (the
    articles' text) spell out that way; the particle after a short name fits its
    full name too."""
    names = {
        short: full for short, full in AGENCY_SHORT_NAMES.items() if full in sources
    }
    glossed = {
        m.group("short"): f"{m.group('full')}({m.group('short')})"
        for m in _GLOSSED_BODY.finditer(sources)
    }
    spelled: list[str] = []
    for part in parts:
        for short, full in [*names.items(), *glossed.items()]:
            name = full.split("(")[0]
            place = re.compile(
                rf"(?<![가-힣A-Za-z(]){re.escape(short)}(?![A-Za-z]|행|\))"
            )
            # (Not the full name itself: "금융위원회는" starts with "금융위".)
            match = next(
                (
                    m
                    for m in place.finditer(part)
                    if not part.startswith(name, m.start())
                ),
                None,
            )
            if match is None:
                continue
            before = " ".join([*spelled, part[: match.start()]])
            if name in before or short in before:
                continue  # named already
            part = part[: match.start()] + full + part[match.end() :]
        spelled.append(part)
    return spelled


def _carries_topic(part: str, rest: str, headline: str) -> bool:
    """Whether ``part`` of a sentence (glosses and all) names a word of the
    headline that ``rest`` does not: "인공지능(AI)을 둘러싼 … 심화하고 있지만"
    carries the "AI" of "韓 AI전문교사 '0명'", and without it "우리나라의 인재
    양성 시스템은 후진국 수준" would say the whole system is."""
    words = re.findall(r"[A-Za-z]{2,}|[가-힣]{2,}", headline)
    return any(
        word in part and word not in rest
        for word in words
        if not word.isascii() or word.isupper()
    )


def _compact(text: str) -> str:
    return re.sub(r"\W+", "", text)


def _subject_index(words: list[str], tokenizer: Tokenizer) -> int:
    """The index of the first word among the first ten that is a name-like noun
    with a subject or topic particle ("엔비디아가"), or -1."""
    for index, word in enumerate(words[:10]):
        tagged = tokenizer.pos(word)
        if (
            len(tagged) >= 2
            # The tagger reads "가" after a Latin name as a verb ("오픈AI가").
            and tagged[-1][1] in {"Josa", "Verb"}
            and tagged[-1][0] in {"이", "가", "은", "는"}
            and all(tag in _NAME_TAGS for _, tag in tagged[:-1])
        ):
            return index
    return -1


def _name_stem(word: str, tokenizer: Tokenizer) -> str:
    """``word`` without its particle ("엔비디아가" → "엔비디아")."""
    tagged = tokenizer.pos(word)
    return "".join(form for form, _ in tagged[:-1])


def _descriptor_end(words: list[str], tokenizer: Tokenizer) -> int:
    """How many of ``words`` (everything before the subject) describe it and can
    go: up to the last clause that modifies it ("…열풍을 주도하는", "…업체였던",
    "…주자인"), or a company's descriptor ("미국의 대형 투자은행"); 0 if none."""
    for index in range(len(words) - 1, -1, -1):
        tagged = tokenizer.pos(words[index])
        if not tagged:
            return 0
        last_form, last_tag = tagged[-1]
        if last_tag in {"Verb", "Adjective"} or (
            last_tag == "Josa" and last_form == "인"
        ):
            between = words[index + 1 :]
            if all(
                all(tag in _NAME_TAGS for _, tag in tokenizer.pos(w)) for w in between
            ):
                return index + 1
            return 0
    if len(words) >= 2 and _CATEGORY.search(words[-1]):
        return len(words)
    return 0


# ---------------------------------------------------------------- first person

FIRST_PERSON = re.compile(
    r"(?:^|\s)(?:필자(?:는|가|의|도)?|나는|내가|나의|저는|제가|기자는|기자가)(?:\s|$)|"
    r"(?:^|\s)(?:찾아간|찾은|만난)\s|"
    r"(?:밀려왔다|느꼈다|생각한다|기대한다|바란다|바라본다|믿는다|아닐까|싶다)\.?$"
)


def is_first_person(sentence: str) -> bool:
    """True for a writer's own voice ("…허탈감이 밀려왔다.", "필자는 …")."""
    return bool(FIRST_PERSON.search(sentence.strip()))


# ------------------------------------------------------------- attribution

# "X는 …한다고 밝혔다." states what X announced; in a lead the tail is dropped.
# Only announcements: "강조했다", "말했다" report a view, and dropping them would
# turn a speaker's claim ("…키울 수 있다고 강조했다") into the paper's own.
ATTRIBUTION_TAIL = re.compile(
    r"(?P<stem>[가-힣]+?)(?P<ending>다|이라|라)고\s+(?:밝혔다|발표했다|공개했다|알렸다)\.$"
)
MODAL = re.compile(r"(?:수\s*있|수\s*없|것으로\s*보|것이라|전망이|가능성이)")


_DATED = re.compile(r"(?<![\d~∼])\d{1,2}일(?!\s*(?:간|동안|만에|째))")


def _verb_stem(present: str) -> str | None:
    """The stem of a plain present verb ("채용한" → "채용하", "늘린" → "늘리",
    "받는" → "받"), or ``None`` when ``present`` is none."""
    if present.endswith("는") and len(present) > 1:
        return present[:-1]
    last = present[-1:]
    if last and "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 == 4:  # final ㄴ
        return present[:-1] + chr(ord(last) - 4)
    return None


def drop_attribution(sentence: str) -> str:
    """``sentence`` without a reported-speech tail, when that leaves a statement.

    Only indirect speech is shortened ("출시한다고 밝혔다" → "출시한다", "계획이라고
    밝혔다" → "계획이다"); quotations keep their attribution.
    """
    text = sentence.strip()
    if re.search(r"[“”\"']", text):
        return text
    match = ATTRIBUTION_TAIL.search(text)
    if not match or MODAL.search(text[: match.end()]):
        return text
    stem, ending = match.group("stem"), match.group("ending")
    if ending == "다" and stem.endswith("겠") and len(stem) > 1:
        # "공급하겠다고 밝혔다" → "공급하기로 했다", as a report says an intention.
        return text[: match.start()] + stem[:-1] + "기로 했다."
    if ending == "다" and _DATED.search(text[: match.start()]):
        # A plan announced on a day: "20일 … 채용한다고 밝혔다" told "채용한다"
        # would date the hiring, so it is "채용하기로 했다" (a past stays past).
        planned = _verb_stem(stem)
        if planned is not None:
            return text[: match.start()] + planned + "기로 했다."
    tail = "다." if ending == "다" else "이다." if ending == "이라" else "다."
    if ending == "라" and stem.endswith("이"):
        tail = "다."
    return text[: match.start()] + stem + tail


# How a finding is reported ("…것으로 나타났다"), and the tail the lead drops to
# state the finding ("…감축한 것으로 나타났다" → "…감축했다").
FINDING_ENDING = re.compile(
    r"것으로\s(?:나타났다|조사됐다|집계됐다|파악됐다|드러났다|알려졌다|확인됐다)\.$"
)
_FINDING_TAIL = re.compile(
    r"(?P<word>[가-힣]*?)(?P<form>한|된|난|인|있는|없는|은)\s" + FINDING_ENDING.pattern
)


def drop_finding_tail(sentence: str) -> str:
    """``sentence`` stating what it reports was found ("인력을 감축한 것으로
    나타났다" → "인력을 감축했다", "단 한 명도 없는 것으로 나타났다" → "… 없다",
    "어려운 상태인 것으로 나타났다" → "어려운 상태다"); unchanged when its tail is
    another. Only the regular forms are turned: 하다/되다 verbs, "…나다", a stem
    closed by a consonant ("잡은" → "잡았다"), the copula, 있다/없다; never a
    present "…생각하는 것으로", which stated would read as the writer's view."""
    text = sentence.strip()
    match = _FINDING_TAIL.search(text)
    if not match or re.search(r"[“”\"']", text):
        return text
    word, form = match.group("word"), match.group("form")
    if form in {"있는", "없는"}:
        predicate = f"{word}{form[0]}다"
    elif form == "인":
        if not word:
            return text
        predicate = with_particle(word, "다", "이다")
    elif form == "은":
        # A stem closed by a consonant ("잡은" → "잡았다", "먹은" → "먹었다"):
        # 았 after ㅏ/ㅗ, else 었.
        if not word or not "가" <= word[-1] <= "힣":
            return text
        vowel = (ord(word[-1]) - 0xAC00) // 28 % 21
        predicate = word + ("았다" if vowel in {0, 8} else "었다")
    else:
        predicate = word + {"한": "했다", "된": "됐다", "난": "났다"}[form]
    return f"{text[: match.start()]}{predicate}."


# ---------------------------------------------------------------- headings

HEADING_MAX_CHARS = 30
HEADING_MIN_WORDS = 3
_BRACKET_TAG = re.compile(r"\[[^\]]*\]|【[^】]*】|<[^>]*>")
_SEGMENT_SPLIT = re.compile(r"\s*(?:…|\.{2,3}|·{2,}|\s-\s|;|\|)\s*")
# A quotation at either end of a headline ("“…” 골드만삭스, 中 목표가 또 하향").
_END_QUOTE = re.compile(
    r"^\s*([“\"][^”\"]+[”\"])\s*(.+)$|^(.+?)\s*([“\"][^”\"]+[”\"])\s*$"
)
_QUOTES = re.compile(r"[“”\"‘’'`«»]")
_TIME_WORD = re.compile(
    r"^(?:올해|내년|지난해|작년|연내|당분간|최근|이달|다음\s*달|\d{4}년(?:까지|부터|에)?|"
    r"\d{1,2}월(?:까지|부터|에)?|\d{1,2}일(?:까지|부터|에)?)$"
)
_HEADING_TIME = re.compile(r"^(?:연말|연초|연내|올해|내년|이달|연중)$")
# Predicate endings a headline uses, and the noun each stands for.
_ENDINGS = (
    (re.compile(r"해야$"), " 필요"),
    (re.compile(r"(?:해야\s*한다|해야\s*할\s*때)$"), " 필요"),
)
_KEEP_TAGS = {"Noun", "Alpha", "Number", "Foreign", "Hashtag"}
_DROP_TAIL_TAGS = {
    "Verb", "Adjective", "Eomi", "Josa", "PreEomi", "Punctuation",
    "Exclamation", "Conjunction", "Determiner", "Adverb", "KoreanParticle",
}  # fmt: skip
# Nouns that say nothing on their own at the end of a heading ("…내줄 판").
_WEAK_HEAD_NOUNS = {"판", "듯", "것", "수", "때", "중", "등", "뿐", "셈", "만"}
# Words that cannot open a heading once the words before them are cut.
_BOUND_WORDS = {"내", "간", "중", "후", "전", "등", "및", "또", "더", "약", "총"}


# A headline's one-character countries and their pairs, as a heading spells them
# ("北美 빅테크" → "북미 빅테크", "美의" → "미국의", "美빅테크" → "미국 빅테크").
_COUNTRY_PAIRS = {
    "北美": "북미", "南美": "남미", "中東": "중동", "美中": "미중", "中美": "미중",
    "韓美": "한미", "美韓": "한미", "韓中": "한중", "中韓": "한중", "韓日": "한일",
    "日韓": "한일", "美日": "미일", "日美": "미일", "北中": "북중",
}  # fmt: skip
_COUNTRY_NAMES = {
    "中": "중국", "美": "미국", "韓": "한국", "日": "일본", "北": "북한",
    "英": "영국", "獨": "독일", "佛": "프랑스", "印": "인도", "臺": "대만",
}  # fmt: skip
_COUNTRY = re.compile(
    "|".join(_COUNTRY_PAIRS) + "|[" + "".join(_COUNTRY_NAMES) + "](?![一-鿿])"
)


def spelled_countries(text: str) -> str:
    """``text`` with a headline's one-character countries spelled out."""

    def name(match: re.Match[str]) -> str:
        hanja = match.group(0)
        spelled = _COUNTRY_PAIRS.get(hanja) or _COUNTRY_NAMES[hanja]
        after = match.string[match.end() : match.end() + 1]
        # "美빅테크": a name joined to a noun; "美의": to its particle.
        joined = "가" <= after <= "힣" and not re.match(r"[의은는이가과와도에]", after)
        return f"{spelled} " if joined and len(hanja) == 1 else spelled

    return _COUNTRY.sub(name, text)


def headline_heading(headline: str, tokenizer: Tokenizer) -> str:
    """A section heading made from a story's headline: one noun phrase, short.

    The headline's most informative segment (split at "…") loses its tags, quote
    marks and predicate ending; a leading "주어," becomes "주어의 …"; time words
    go first when it is too long, then words from its start.
    """
    segments = _segments(headline)
    if not segments:
        return ""
    subject, body, order = _best_segment(segments, tokenizer)
    phrase = _noun_phrase(body, tokenizer)
    if not phrase:
        return ""
    # A time word its predicate left behind ("연금저축·IRP 연말까지 채워야" →
    # "연금저축·IRP 연말") goes.
    words = phrase.split()
    while len(words) > 1 and _HEADING_TIME.match(words[-1]):
        words.pop()
    phrase = " ".join(words)
    if subject and not phrase.startswith(subject):
        phrase = f"{subject}의 {phrase}"
    others = [text for i, (text, _) in enumerate(segments) if i != order]
    if len(phrase.split()) < HEADING_MIN_WORDS and others:
        # "100조 투입" says too little: the next segment completes it, or, when
        # that one says enough alone ("연말정산 13월의 월급"), heads instead.
        second = _noun_phrase(others[0], tokenizer)
        if second and not subject:
            if len(second.split()) >= HEADING_MIN_WORDS:
                phrase = second
            else:
                phrase = f"{with_particle(phrase, '와', '과')} {second}"
    return _fit(phrase, tokenizer)


def _segments(headline: str) -> list[tuple[str, bool]]:
    """The headline's segments, each with whether it is a quotation."""
    text = _BRACKET_TAG.sub(" ", headline)
    text = re.sub(r"[?!↑↓→]+", " ", text)
    pieces = []
    for part in _SEGMENT_SPLIT.split(text):
        match = _END_QUOTE.match(part)
        if match:
            groups = [g for g in match.groups() if g]
            rest = [g for g in groups if not g.lstrip().startswith(("“", '"'))]
            # A quotation is its own segment when the rest can stand as a heading.
            if rest and len(rest[0].split()) >= 4:
                pieces.extend(groups)
                continue
        pieces.append(part)
    parts = []
    for piece in pieces:
        quoted = piece.lstrip().startswith(("“", '"')) and len(pieces) > 1
        piece = " ".join(_QUOTES.sub("", piece).split()).strip(" ,·")
        piece = re.sub(r"(?<=[A-Za-z가-힣.])(?:은|는)$", "", piece)
        if piece:
            parts.append((piece, quoted))
    return parts


def _content_nouns(text: str, tokenizer: Tokenizer) -> int:
    return sum(
        1
        for form, tag in tokenizer.pos(text)
        if tag in _KEEP_TAGS and len(form) > 1 or (tag == "Number")
    )


def _best_segment(
    segments: list[tuple[str, bool]], tokenizer: Tokenizer
) -> tuple[str, str, int]:
    """The (subject, rest, index) of the headline segment saying the most.

    Content words count; a clause with its own subject particle ("…40%가 AI")
    reads worse than a noun phrase, and later segments are usually secondary.
    """
    scored = []
    for order, (segment, quoted) in enumerate(segments):
        subject, _, rest = segment.partition(", ")
        words = subject.split()
        if rest and 1 < len(words) <= 4 and _modifies(" ".join(words[:-1]), tokenizer):
            subject = words[-1]  # "그래픽카드 팔던 엔비디아" → "엔비디아"
        elif not rest or len(words) > 2:
            subject, rest = "", segment
        elif tokenizer.pos(subject)[0][1] in {"Verb", "Adjective"}:
            subject = subject.split()[-1]  # "앞서가는 삼성SDI" → "삼성SDI"
        rest = _without_leading_adverbs(rest, tokenizer)
        clauses = len(re.findall(r"[가-힣A-Za-z0-9%]+(?:이|가)\s", segment + " "))
        score = _content_nouns(segment, tokenizer) - 0.75 * order - clauses - quoted
        scored.append((score, -order, subject, rest, order))
    _, _, subject, rest, order = max(scored)
    return subject, rest, order


# Adverbs headlines use that the tagger takes for nouns.
_HEADLINE_ADVERBS = frozenset(
    "일단 결국 사실상 또 다시 계속 여전히 이제 벌써 당장 끝내 마침내 일제히".split()
)


def _modifies(words: str, tokenizer: Tokenizer) -> bool:
    """Whether ``words`` hold a verb or adjective: a clause describing the noun
    after them ("그래픽카드 팔던")."""
    return any(tag in {"Verb", "Adjective"} for _, tag in tokenizer.pos(words))


def _without_leading_adverbs(text: str, tokenizer: Tokenizer) -> str:
    """``text`` without adverbs at its start ("일단 안도" → "안도")."""
    words = text.split()
    while len(words) > 1 and (
        words[0] in _HEADLINE_ADVERBS
        or all(tag == "Adverb" for _, tag in tokenizer.pos(words[0]))
    ):
        words.pop(0)
    return " ".join(words)


def _noun_phrase(text: str, tokenizer: Tokenizer) -> str:
    """``text`` cut after its last noun (predicate endings and particles go)."""
    for pattern, noun in _ENDINGS:
        if pattern.search(text):
            return pattern.sub(noun, text).strip()
    tokens = tokenizer.pos(text)
    while tokens and (
        tokens[-1][1] in _DROP_TAIL_TAGS or tokens[-1][0] in _WEAK_HEAD_NOUNS
    ):
        tokens.pop()
    if not tokens:
        return ""
    # Map the kept morphemes back onto the surface text (spacing preserved).
    end, cursor = 0, 0
    for form, _ in tokens:
        at = text.find(form, cursor)
        if at < 0:
            break
        cursor = end = at + len(form)
    return text[:end].strip(" ,·")


def _fit(phrase: str, tokenizer: Tokenizer) -> str:
    """Shorten ``phrase`` to ``HEADING_MAX_CHARS``, keeping its subject and head.

    Time words go first; then words right after the first one (the subject, or
    the actor), never leaving a modifier or bound word without its noun.
    """
    # Relative times go stale by the time the briefing is read ("내년" of a forecast).
    words = [w for w in phrase.split() if not _TIME_WORD.match(w)] or phrase.split()
    prefix = [words.pop(0)] if words else []
    while words[1:] and len(" ".join([*prefix, *words])) > HEADING_MAX_CHARS:
        words.pop(0)
        while words[1:] and (
            words[0] in _BOUND_WORDS
            or tokenizer.pos(words[0])[0][1] in {"Verb", "Adjective"}
        ):
            words.pop(0)
    return " ".join([*prefix, *words])


def bare_noun_heading(heading: str) -> bool:
    """True for "X와 Y" of two bare nouns, a repeated word or a lone word."""
    words = heading.split()
    if len(words) <= 1:
        return True
    stems = [
        re.sub(r"(?<=[가-힣A-Za-z0-9])(?:와|과|의|은|는|및)$", "", w) for w in words
    ]
    if len(set(stems)) < len(stems):
        return True
    return bool(
        len(words) == 2
        and re.fullmatch(r"[가-힣A-Za-z0-9]+[와과]", words[0])
        and re.fullmatch(r"[가-힣A-Za-z0-9]+", words[1])
    )


# ---------------------------------------------------------------- concepts

# Verbal nouns that end a headline's phrase but are not part of its concept.
_FIGURE = re.compile(
    r"[\d.,]+(?:배|명|개|원|조|억|만|천|%|대|곳|건|년|위|호|차|종|주|곳)?"
)
ACTION_NOUNS = frozenset(
    "설립 구매 확대 추진 양산 출시 발표 수상 확보 중단 대응 기여 하향 상향 인수 공개 "
    "개최 돌입 진출 체결 착수 선정 유치 달성 전환 강화 도입 검토 급증 급감 증가 감소 "
    "속도 필요 가세 전망 우려 논란 견제 눈독".split()
)


def concept_phrase(heading: str, tokenizer: Tokenizer) -> str:
    """The concept a heading names: its longest run of nouns ("46파이 배터리").

    The subject before "의", figures and the action at the end ("양산",
    "설립") are left out; at most three words.
    """
    _, _, rest = heading.rpartition("의 ")
    best: list[str] = []
    for run in noun_runs(rest or heading, tokenizer):
        while len(run) > 1 and run[-1] in ACTION_NOUNS | {"이상", "이하", "수준"}:
            run = run[:-1]
        run = run[-3:]
        # The longest run wins; on a tie the later one, the phrase's head.
        if len(run) >= len(best):
            best = run
    return " ".join(best)


def noun_runs(text: str, tokenizer: Tokenizer) -> list[list[str]]:
    """Runs of space-separated words made only of nouns (no particle, no figure)."""
    runs: list[list[str]] = [[]]
    for word in text.split():
        tagged = tokenizer.pos(word)
        tags = [tag for _, tag in tagged]
        nominal = bool(tags) and all(
            tag in {"Noun", "Alpha"}
            or (tag == "Number" and index < len(tags) - 1)
            or (tag == "Punctuation" and form == "·")
            for index, (form, tag) in enumerate(tagged)
        )
        if (
            nominal
            and len(word) > 1
            and not _FIGURE.fullmatch(word)
            and not _TIME_WORD.match(word)
            and word not in _BOUND_WORDS
        ):
            runs[-1].append(word)
        else:
            runs.append([])
    return [run for run in runs if run]
