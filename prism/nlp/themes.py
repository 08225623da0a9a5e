"""Paragraphs for one story: the sentences a briefing tells it with, never twice.

A briefing's lead and ■ sections each tell one story (an item and its same-story
관련기사) from that story's own sentences, so no paragraph sets facts of different
stories side by side. :class:`SentenceLedger` remembers every sentence already in
the briefing (the 핵심 요약 included) so none is repeated or paraphrased, and a
sentence that leans on the one before it ("이날", "그는", "같은 기간") is only
taken together with that sentence. Plain Python; no Django.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from prism.nlp.korean import (
    introduced_earlier,
    is_first_person,
    leans_forward,
    leans_on_previous,
    needs_context,
    overturns,
    refers_back,
    reported_days,
    unanchored,
)

SIMILAR_SENTENCE = 0.5  # noun-set Jaccard at which two sentences say the same
NEARNESS = 0.3  # what a sentence right next to a chosen one adds to its salience
NEAR_SPAN = 3  # how far apart (in sentences) nearness still counts
LONG_SENTENCE = 170  # characters; longer ones read heavily in a paragraph
TOO_LONG_SENTENCE = 230
_NUMBER = re.compile(r"\d")
QUOTATION = re.compile(r"[“”\"]")

# An account of what happened ends on a reported event ("…유예했다", "…기록했다",
# "…집계됐다"); a judgement or a backdrop ("…수밖에 없다", "…드러난다",
# "…필요하다") is no way to open the day's story.
_EVENT_ENDING = re.compile(r"(?:했|됐|였|었|았|렸|냈|졌|쳤|왔|켰)다[.”’\"]*$")
_VERDICT = r"수밖에\s*없|불가피하|필요하|필수적이|중요하|금물이"
_VERDICT_ENDING = re.compile(rf"(?:{_VERDICT})다[.”’\"]*$")
_JUDGEMENT_ENDING = re.compile(
    rf"(?:{_VERDICT}|드러난|보인|보여진|"
    r"전망이|예상된|관측된|분석된|평가된|있다는\s*것이|것이)다[.”’\"]*$"
)
# Saying is not happening: "…강조했다" reports a view.
_SPEECH_ENDING = re.compile(
    r"(?:강조|말|밝|지적|주장|설명|언급|전망|평가|분석|예상|덧붙|답|꼽)\S*다[.”’\"]*$"
)


@dataclass(frozen=True)
class StorySentence:
    """A usable sentence of one of the story's articles."""

    text: str
    terms: frozenset[str]
    article_order: int  # 0: the item's own article, then its 관련기사
    position: int  # index among the article's sentences (for "the one before")
    leans: bool = False  # needs the sentence before it (see korean.needs_context)
    passage: int = 0  # the article's passage: 0, then one more at each sub-heading

    @property
    def dependent(self) -> bool:
        return self.leans or leans_on_previous(self.text)


class SentenceLedger:
    """Sentences already used in the briefing, so none is repeated or paraphrased."""

    def __init__(self) -> None:
        self.texts: set[str] = set()
        self.term_sets: list[frozenset[str]] = []

    @staticmethod
    def normal(text: str) -> str:
        return re.sub(r"\W+", "", text)

    def add(self, text: str, terms: frozenset[str]) -> None:
        self.texts.add(self.normal(text))
        if terms:
            self.term_sets.append(terms)

    def told(self, text: str) -> bool:
        """Whether exactly ``text`` is in the briefing already."""
        return self.normal(text) in self.texts

    def repeats(self, text: str, terms: frozenset[str]) -> bool:
        normal = self.normal(text)
        if normal in self.texts or any(
            normal in used or used in normal for used in self.texts if len(used) > 20
        ):
            return True
        return any(
            len(terms & used) / (len(terms | used) or 1) >= SIMILAR_SENTENCE
            for used in self.term_sets
        )


def salience(sentence: StorySentence, focus: set[str]) -> float:
    """How much a sentence tells of the story: its words, place, figures."""
    overlap = len(sentence.terms & focus) / math.sqrt(len(sentence.terms) + 1)
    position = 1.0 / (1.0 + 0.2 * sentence.position)
    figures = 0.15 if _NUMBER.search(sentence.text) else 0.0
    value = overlap + 0.6 * position + figures
    if sentence.text.startswith(("“", '"')):
        value *= 0.4  # a bare quotation needs its speaker
    elif QUOTATION.search(sentence.text):
        value *= 0.55  # a paragraph states facts; quotes colour them at most
    if _VERDICT_ENDING.search(sentence.text.strip()):
        value *= 0.6  # a paragraph reports; the article's verdicts colour it at most
    if len(sentence.text) > TOO_LONG_SENTENCE:
        value *= 0.4
    elif len(sentence.text) > LONG_SENTENCE:
        value *= 0.7
    return value / (1 + 0.3 * sentence.article_order)


def pick_story_sentences(
    sentences: Sequence[StorySentence],
    focus: set[str],
    ledger: SentenceLedger,
    *,
    count: int,
    accept: Callable[[StorySentence], bool] | None = None,
    max_quotes: int = 1,
    strict: bool = True,
    near: float = NEARNESS,
    title: str = "",
    one_passage: bool = False,
) -> list[StorySentence]:
    """Up to ``count`` of the story's most telling unused sentences, in reading order.

    A sentence that leans on the one before it comes only with that sentence; the
    writer's own voice ("…허탈감이 밀려왔다.") never comes. The chosen sentences are
    recorded in ``ledger``. At most ``max_quotes`` of them carry a quotation: a
    paragraph states facts, quotes colour them. Not ``strict``, only explicit
    references back ("이날", "그는", "삼성전자 역시": ``refers_back``) count as
    leaning on the sentence before. In any mode "이번 조사" comes only after a
    sentence naming the survey (``unanchored``).
    After the first, a sentence close to those taken gains up to ``near`` on one
    elsewhere in the article, so a paragraph reads as one passage. Whatever the
    mode, the paragraph opens on no name its article introduced before and
    ``title`` (the story's headline) does not carry ("투링반은 …").
    With ``one_passage``, the sentences taken from an article all come from the
    passage of the first (``StorySentence.passage``): an explainer's passages
    answer different questions, and a paragraph tells one.
    """

    def dependent(sentence: StorySentence) -> bool:
        return sentence.dependent if strict else refers_back(sentence.text)

    by_place = {(s.article_order, s.position): s for s in sentences}
    tried: set[StorySentence] = set()

    def usable(sentence: StorySentence | None) -> bool:
        return (
            sentence is not None
            and not (one_passage and elsewhere(sentence))
            and not is_first_person(sentence.text)
            and (accept is None or accept(sentence))
            and not ledger.repeats(sentence.text, sentence.terms)
        )

    chosen: list[StorySentence] = []
    quotes = 0
    value = {s: salience(s, focus) for s in sentences}

    def elsewhere(sentence: StorySentence) -> bool:
        return any(
            other.article_order == sentence.article_order
            and other.passage != sentence.passage
            for other in chosen
        )

    def nearness(sentence: StorySentence) -> float:
        # A paragraph reads as one account when its sentences are close together
        # in their article: the next one is preferred near those already taken.
        gaps = [
            abs(sentence.position - other.position)
            for other in chosen
            if other.article_order == sentence.article_order
        ]
        gap = min(gaps, default=NEAR_SPAN + 1)
        return near / gap if gap <= NEAR_SPAN else 0.0

    def key(sentence: StorySentence) -> tuple:
        return (
            -(value[sentence] + nearness(sentence)),
            sentence.article_order,
            sentence.position,
        )

    ranked = sorted(sentences, key=key)  # nothing chosen yet: by value alone
    while len(chosen) < count:
        best = next((s for s in ranked if s not in tried), None)
        if best is None:
            break
        # Only the neighbours of what was taken gain enough to matter.
        neighbours = [
            neighbour
            for other in chosen
            for gap in range(1, NEAR_SPAN + 1)
            for place in (other.position - gap, other.position + gap)
            if (neighbour := by_place.get((other.article_order, place))) is not None
            and neighbour not in tried
        ]
        sentence = min([best, *neighbours], key=key) if near else best
        tried.add(sentence)
        if not usable(sentence):
            continue
        quoted = bool(QUOTATION.search(sentence.text))
        if quoted and quotes >= max_quotes:
            continue
        group = [sentence]
        if dependent(sentence):
            before = by_place.get((sentence.article_order, sentence.position - 1))
            if before in chosen:
                group = [sentence]
            elif usable(before) and not dependent(before) and len(chosen) + 2 <= count:
                group = [before, sentence]
            else:
                continue
        after = by_place.get((sentence.article_order, sentence.position + 1))
        if leans_forward(group[-1].text) or (
            after is not None and overturns(after.text, group[-1].text)
        ):
            # It comes only with the sentence that says what it announces, or
            # what became of the plan it reports.
            if (
                after is None
                or after in chosen
                or not usable(after)
                or len(chosen) + len(group) + 1 > count
            ):
                continue
            group.append(after)
        told_before = " ".join(
            s.text
            for s in [*chosen, *group[:-1]]
            if s.article_order == sentence.article_order
            and s.position < sentence.position
        )
        if unanchored(sentence.text, told_before):
            continue
        quotes += sum(1 for member in group if QUOTATION.search(member.text))
        for member in group:
            chosen.append(member)
            ledger.add(member.text, member.terms)
            tried.add(member)
    chosen.sort(key=lambda s: (s.article_order, s.position))

    # Whatever the mode, a paragraph never opens on a sentence that needs context.
    def opens_badly(sentence: StorySentence) -> bool:
        if strict:
            return sentence.dependent
        earlier = " ".join(
            s.text
            for s in sentences
            if s.article_order == sentence.article_order
            and s.position < sentence.position
        )
        # Even leniently, never a name only the article introduced ("투링반은 …").
        return needs_context(sentence.text) or introduced_earlier(
            sentence.text, earlier, title
        )

    while chosen and opens_badly(chosen[0]):
        chosen.pop(0)
    return chosen


# Days before the article's own date after which an event is backdrop.
BACKDROP_DAYS = 3


def opener_value(
    sentence: StorySentence, focus: set[str], day: int | None = None
) -> float:
    """How well a sentence opens a story's lead paragraph: what happened, with
    the figure that matters, in the story's own words. Given the ``day`` of the
    month the article appeared, a sentence telling only of days a week before
    ("이달 4일 … 9일 …유예했다" in an article of the 14th) is backdrop."""
    value = salience(sentence, focus)
    text = sentence.text.strip()
    days = reported_days(text)
    if day and days and max(days) <= day - BACKDROP_DAYS:
        value -= 0.5
    if _EVENT_ENDING.search(text) and not _SPEECH_ENDING.search(text):
        value += 0.3
    if weak_opening(text):
        value -= 0.4
    return value


def weak_opening(text: str) -> bool:
    """Whether ``text`` judges, advises or supposes rather than reports: no way to
    open a story ("전문가들은 … 비교해야 한다고 조언했다", "…빌린 차주라면 …")."""
    return bool(
        _JUDGEMENT_ENDING.search(text)
        or _ADVICE_ENDING.search(text)
        or _SUPPOSING.search(text)
    )


# A supposition is an illustration, not the news ("3억 원을 30년 만기로 빌린
# 차주라면 …").
_SUPPOSING = re.compile(r"(?:이|가)?라면\s|다면\s")


# Advice is the close of an article, not what happened ("전문가들은 … 꼼꼼히 비교해야
# 한다고 조언했다").
_ADVICE_ENDING = re.compile(r"(?:조언|권고|당부|제언|권유)\S*다[.”’\"]*$|권했다\.?$")


def is_verdict(text: str) -> bool:
    """Whether ``text`` ends on a verdict ("…금물이다", "…수밖에 없다") rather
    than a report; quoted, it is someone's view and no verdict of the paper's."""
    return bool(_VERDICT_ENDING.search(text.strip())) and not QUOTATION.search(text)


def opens_story(sentence: StorySentence) -> bool:
    """Whether a lead paragraph can open on ``sentence``: it stands alone and
    reports something rather than judging it."""
    return not sentence.dependent and opens_story_text(sentence.text)


def opens_story_text(text: str) -> bool:
    """``opens_story`` for a sentence given as text (a restated lede)."""
    text = text.strip()
    return not (needs_context(text) or _JUDGEMENT_ENDING.search(text))


def opener_first(
    chosen: Sequence[StorySentence], focus: set[str], day: int | None = None
) -> list[StorySentence]:
    """``chosen`` (in reading order) with the best standalone opener first.

    A sentence taken only with the one before it stays behind that one."""
    chosen = list(chosen)
    openers = [
        (index, sentence)
        for index, sentence in enumerate(chosen)
        if opens_story(sentence)
        and not (index + 1 < len(chosen) and chosen[index + 1].dependent)
    ]
    if not openers:
        return chosen
    index, best = max(
        openers, key=lambda pair: (opener_value(pair[1], focus, day), -pair[0])
    )
    return [best] + chosen[:index] + chosen[index + 1 :]


# What a story means for the reader: an outlook or a consequence for Korea, its
# firms or the reader's own concerns ("…국내 반도체 기업이 … 핵심 파트너로 참여할
# 가능성을 점치는 분위기다").
_OUTLOOK = re.compile(
    r"전망|가능성|시사|우려|기대|관측|예상|영향|수혜|타격|부담|대안|과제|숙제|기회"
)
_HOME = re.compile(r"국내|한국|우리나라|韓|우리\s?(?:기업|경제|산업)")


def pick_closer(
    sentences: Sequence[StorySentence],
    chosen: Sequence[StorySentence],
    ledger: SentenceLedger,
    *,
    words: Sequence[str] = (),
    focus: set[str] = frozenset(),
    accept: Callable[[StorySentence], bool] | None = None,
) -> StorySentence | None:
    """The story's sentence that says what it means here, to close a lead
    paragraph: an outlook or consequence for Korea or for the reader's
    ``words`` (their interest keywords). ``None`` when the story has none left.
    The sentence is recorded in ``ledger``."""
    taken = set(chosen)
    lowered = [w.lower() for w in words if w]
    best, best_value = None, -math.inf
    for sentence in sentences:
        text = sentence.text
        if (
            sentence in taken
            or sentence.dependent
            or needs_context(text)
            or QUOTATION.search(text)
            or is_first_person(text)
            or not _OUTLOOK.search(text)
            or not (_HOME.search(text) or any(w in text.lower() for w in lowered))
            or (accept is not None and not accept(sentence))
            or ledger.repeats(text, sentence.terms)
        ):
            continue
        value = salience(sentence, focus)
        if value > best_value:
            best, best_value = sentence, value
    if best is not None:
        ledger.add(best.text, best.terms)
    return best
