"""Composing a briefing from a selection: lead, three ■ sections, items, keywords.

Like the paper's own briefings, every lead paragraph and every ■ section tells one
story: an item and its same-story 관련기사. The lead gives the day's top stories for
the reader type in a few sentences each; a section takes one story in depth under
a theme heading (its concept and trend, :mod:`prism.nlp.headings`); the keywords are
one concept per story (:mod:`prism.services.briefing_keywords`). Everything is
extractive and reads only: paragraphs are made of the story's own sentences
(:mod:`prism.services.stories`), none twice in a briefing and none repeating a 핵심
요약. The generator (:mod:`prism.services.generation`) writes the result.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from prism.conf import prism_settings
from prism.models import Article, BriefingItem, ReaderType
from prism.nlp.headings import (
    OPENING_SENTENCES,
    SEGMENT_BREAK,
    THEME_MAX_CHARS,
    theme_heading,
)
from prism.nlp.keywords import KeywordExtractor
from prism.nlp.korean import (
    FINDING_ENDING,
    HEADING_MAX_CHARS,
    bare_noun_heading,
    compress,
    drop_finding_tail,
    elide_repeated_subject,
    has_this_day,
    headline_heading,
    in_time_order,
    last_reported_day,
    refers_back,
    reported_days,
    restate,
    spelled_countries,
    spelled_out_first,
    with_this_day,
    without_asides,
)
from prism.nlp.quality import HEADING_OPENING, heading_missing_from
from prism.nlp.sentences import split_sentences
from prism.nlp.themes import (
    QUOTATION,
    SentenceLedger,
    StorySentence,
    is_verdict,
    opener_first,
    opens_story,
    opens_story_text,
    pick_closer,
    pick_story_sentences,
    salience,
    weak_opening,
)
from prism.nlp.tokens import Tokenizer, get_tokenizer
from prism.services.briefing_keywords import (
    GENERIC_KEYWORDS,
    PUBLISHERS,
    acceptable_keyword,
    briefing_keywords,
    excluded_keywords,
    reader_type_words,
    story_keywords,
)
from prism.services.selection import Selection, is_index_term, same_package
from prism.services.stories import (
    ArticleText,
    Story,
    article_text,
    clear_caches,
    pivots_between,
    selection_stories,
)

# Names callers import from here.
__all__ = [
    "GENERIC_KEYWORDS",
    "PUBLISHERS",
    "ArticleText",
    "ComposedItem",
    "ComposedSection",
    "Composition",
    "ItemSummary",
    "Story",
    "acceptable_keyword",
    "article_text",
    "briefing_compose",
    "card_headline",
    "display_headline",
    "clear_caches",
    "item_summary",
    "reader_type_label",
    "reader_type_words",
    "section_heading",
    "story_heading",
]

logger = logging.getLogger(__name__)

LEAD_PARAGRAPHS = 3
LEAD_SENTENCES = (2, 4)  # sentences per lead paragraph: at least, at most
LEAD_TARGET = 3
# A lead paragraph is read at a glance: the paper's run 200 to 300 characters.
LEAD_PARAGRAPH_CHARS = 340
SECTION_SENTENCES = (3, 5)
SECTION_TARGET = 4
CARD_HEADLINE_CHARS = 60


# ------------------------------------------------------------------ data shapes


@dataclass(frozen=True)
class ItemSummary:
    """The 핵심 요약 an item carries and which summarizer made it."""

    text: str
    sentences: list[dict[str, Any]]
    backend: str = ""
    model_name: str = ""
    model_version: str = ""


@dataclass
class ComposedSection:
    position: int
    heading: str
    body: str
    ranks: list[int] = field(default_factory=list)
    keyphrases: list[str] = field(default_factory=list)


@dataclass
class ComposedItem:
    rank: int
    group: str
    article: Article
    headline: str
    summary: str
    summary_sentences: list[dict[str, Any]]
    related_articles: list[Article]
    selection_reason: dict[str, Any]


@dataclass
class Composition:
    """Every part of a briefing, ready to be written."""

    headline: str
    header_line: str
    editors_note: str
    lead: str
    sections: list[ComposedSection]
    items: list[ComposedItem]
    keywords: list[str]
    footer: str
    notes: list[str] = field(default_factory=list)
    summarizers: list[dict[str, str]] = field(default_factory=list)
    # Quality findings a composer adds itself (e.g. a generative composer's dropped
    # sentences); merged into the briefing's quality report.
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lead_paragraphs(self) -> list[str]:
        return [p for p in self.lead.split("\n\n") if p.strip()]


# --------------------------------------------------------------- article texts


# ------------------------------------------------------------------- summaries


def item_summary(article: Article) -> ItemSummary:
    """The article's current 핵심 요약, summarizing it now if it has none, as
    the briefing tells it (``korean.without_asides``)."""
    summary = article.current_summary()
    if summary is None:
        from prism.services.summaries import article_summarize

        summary = article_summarize(article=article)
    # Told without asides (stock codes, "(현지 시간)", translations of several
    # words); each sentence keeps the offsets of its source sentence.
    return ItemSummary(
        text=without_asides(summary.text),
        sentences=list(summary.sentences or []),
        backend=summary.backend,
        model_name=summary.model_name,
        model_version=summary.model_version,
    )


# ------------------------------------------------------------------- keywords


# ------------------------------------------------------------------ stories


def briefing_compose(
    *,
    selection: Selection,
    summaries: Mapping[int, ItemSummary] | None = None,
    tokenizer: Tokenizer | None = None,
) -> Composition:
    """Compose every part of the briefing for ``selection`` (no database writes)."""
    tokenizer = tokenizer or get_tokenizer(prism_settings.TOKENIZER)
    summaries = dict(summaries or {})
    for item in selection.items:
        if item.article.pk not in summaries:
            summaries[item.article.pk] = item_summary(item.article)
    extractor = (
        selection.pool.keyword_extractor(tokenizer)
        if selection.pool is not None
        else KeywordExtractor(tokenizer)
    )
    ledger = SentenceLedger()
    items = _compose_items(selection, summaries, ledger, tokenizer)
    stories = selection_stories(selection, tokenizer)
    excluded = excluded_keywords(selection, stories)
    for story in stories:
        story.concepts = story_keywords(story, extractor, tokenizer, excluded)
    openers = _restated_ledes(items, tokenizer)
    followers = _restated_followers(items, openers, tokenizer)
    lead, sections, notes = _lead_and_sections(
        stories, ledger, tokenizer, openers, followers
    )
    # The reader meets the lead and the sections first: an agency is named in
    # full there the first time ("중소벤처기업부", not "중기부").
    sources = " ".join(text for story in stories for text in _story_bodies(story))
    spelled = spelled_out_first([*lead, *(s.body for s in sections)], sources)
    lead = spelled[: len(lead)]
    for section, body in zip(sections, spelled[len(lead) :], strict=True):
        section.body = body
    told = "\n".join(
        [
            *lead,
            *(f"{s.heading}\n{s.body}" for s in sections),
            *(f"{i.headline}\n{i.summary}" for i in items),
        ]
    )
    keywords = briefing_keywords(selection, extractor, stories, tokenizer, told=told)
    headline = card_headline(selection.items[0].article.headline) if items else ""
    return Composition(
        headline=headline,
        header_line=str(prism_settings.HEADER_LINE),
        editors_note=str(prism_settings.EDITORS_NOTE),
        lead="\n\n".join(lead),
        sections=sections,
        items=items,
        keywords=keywords,
        footer=prism_settings.footer,
        notes=[*selection.notes, *notes],
        summarizers=_summarizer_identities(summaries.values()),
    )


def _story_bodies(story: Story) -> list[str]:
    return [story.item.article.body, *(a.body for a in story.item.related)]


_EDGE_TAG = re.compile(r"^\s*\[[^\]]{1,20}\]\s*|\s*\[[^\]]{1,20}\]\s*$")


def display_headline(headline: str) -> str:
    """An item's headline without the web desk's tags at either end
    ("…정점 찍었다[biz-플러스]" → "…정점 찍었다")."""
    return _EDGE_TAG.sub("", headline).strip() or headline


def card_headline(headline: str) -> str:
    """A short headline for cards: the top story's headline up to its first "…"."""
    first = re.split(r"…|\.\.\.", headline, maxsplit=1)[0].strip(" ,·")
    return (first or headline)[:CARD_HEADLINE_CHARS]


def _compose_items(
    selection: Selection,
    summaries: Mapping[int, ItemSummary],
    ledger: SentenceLedger,
    tokenizer: Tokenizer,
) -> list[ComposedItem]:
    items = []
    for item in selection.items:
        summary = summaries[item.article.pk]
        for sentence in split_sentences(summary.text):
            terms = frozenset(
                form.lower()
                for form in tokenizer.nouns(sentence.text)
                if is_index_term(form)
            )
            ledger.add(sentence.text, terms)
        items.append(
            ComposedItem(
                rank=item.rank,
                group=item.group,
                article=item.article,
                headline=display_headline(item.article.headline),
                summary=summary.text,
                summary_sentences=summary.sentences,
                related_articles=list(item.related),
                selection_reason=item.selection_reason,
            )
        )
    return items


LEAD_MAX_SENTENCE = 200


# A backdrop the article goes on to contrast ("그간 … 단골 기업들은 … 삼성전자였다",
# then "하지만 … 달라졌다"): no way to tell the day's story.
_BACKDROP_OPENING = re.compile(r"^(?:그간|그동안|한때|과거(?:에는)?|당초|애초)\s")


def _lead_sentence(sentence: StorySentence) -> bool:
    """Lead sentences state facts in a few words: no quotations, nothing long, no
    backdrop set up for a contrast, and no "이날" (away from its article, "that
    day" would point at nothing)."""
    return _lead_text(sentence.text)


def _lead_text(text: str) -> bool:
    return (
        not re.search(r"[“”\"]", text)
        and "이날" not in text
        and not _BACKDROP_OPENING.match(text)
        and len(text) <= LEAD_MAX_SENTENCE
    )


# (sentences per lead paragraph, lead paragraphs, strict): when the stories are
# short, a leaner lead leaves the three ■ sections enough to say; as a last resort
# only explicit back-references ("이날", "그는") keep a sentence out.
LEAD_PLANS = (
    (LEAD_TARGET, LEAD_PARAGRAPHS, True),
    (2, LEAD_PARAGRAPHS, True),
    (2, 2, True),
    (LEAD_TARGET, LEAD_PARAGRAPHS, False),
    (2, 2, False),
    (2, 1, False),
)


def _restated_ledes(
    items: Sequence[ComposedItem], tokenizer: Tokenizer
) -> dict[int, str]:
    """Each item's 핵심 요약 lede told shorter (``korean.restate``), by article:
    a lead paragraph opens on it, as the paper's own leads open on the news."""
    openers = {}
    for item in items:
        sentences = split_sentences(item.summary)
        # A lede that cannot be told shorter gives way to the next sentence, the
        # one with the figures ("…올해 1~10월 국내 스타트업 M&A 건수는 180건으로
        # …"), where that one stands alone: the lead still opens on the news.
        for sentence in sentences[:2]:
            opener = restate(sentence.text, item.headline, tokenizer)
            if opener and _lead_text(opener) and opens_story_text(opener):
                openers[item.article.pk] = opener
                break
    return openers


# A figure that is no date ("21.0%", "767억 달러", not "14일", "2023년" or the
# "180도" of a turnaround).
_FIGURE = re.compile(r"\d(?![\d.,]*\s?(?:일|월|년|분기|도\s))")


def _restated_followers(
    items: Sequence[ComposedItem], openers: Mapping[int, str], tokenizer: Tokenizer
) -> dict[int, str]:
    """For an item whose restated lede says what happened but gives no figure
    ("트럼프 행정부가 … 며칠 만에 180도 다른 입장을 보이고 있다"), the 핵심 요약's
    next sentence told shorter (``korean.restate``): the lead paragraph goes on
    with it, or the reader never learns what the two positions were ("… 11일에는
    반도체 등 전자제품에 대한 상호관세 예외를 발표했다가 13일에는 …"). An "이날"
    in it takes the day the lede reports."""
    followers = {}
    for item in items:
        sentences = split_sentences(item.summary)
        if item.article.pk not in openers or len(sentences) < 2:
            continue
        lede, text = sentences[0].text, sentences[1].text
        if _FIGURE.search(lede):
            continue  # the lede has its figure
        if has_this_day(text):
            day = last_reported_day(lede)
            if not day:
                continue
            text = with_this_day(text, day)
        follower = restate(text, item.headline, tokenizer)
        # (An opener told from this very sentence needs no follower.)
        if follower and _lead_text(follower) and follower != openers[item.article.pk]:
            followers[item.article.pk] = follower
    return followers


def _lead_and_sections(
    stories: Sequence[Story],
    ledger: SentenceLedger,
    tokenizer: Tokenizer,
    openers: Mapping[int, str] | None = None,
    followers: Mapping[int, str] | None = None,
) -> tuple[list[str], list[ComposedSection], list[str]]:
    """The lead and the sections, the lead giving way until three sections fit."""
    openers = openers or {}
    followers = followers or {}
    wanted = int(prism_settings.SECTIONS_PER_BRIEFING)
    best = None
    for target, paragraphs, strict in LEAD_PLANS:
        trial = _copy_ledger(ledger)
        lead = _lead(
            stories,
            trial,
            target=target,
            paragraphs=paragraphs,
            strict=strict,
            openers=openers,
            followers=followers,
        )
        sections, notes = _sections(
            stories, trial, tokenizer, strict=strict, openers=openers
        )
        fit = _fit(lead, sections, wanted)
        if best is None or fit > best[0]:
            best = (fit, (lead, sections, notes, trial))
        if fit[0]:
            break
    if not best[0][0]:
        # The lead took what the sections needed: the sections choose first,
        # leaving the restated ledes to the lead where they can do without.
        plans = [(strict, told) for strict in (True, False) for told in ({}, openers)]
        for strict, section_openers in plans:
            trial = _copy_ledger(ledger)
            sections, notes = _sections(
                stories, trial, tokenizer, strict=strict, openers=section_openers
            )
            lead = _lead(
                stories,
                trial,
                target=2,
                strict=strict,
                openers=openers,
                followers=followers,
            )
            fit = _fit(lead, sections, wanted)
            if fit > best[0]:
                best = (fit, (lead, sections, notes, trial))
            if fit[0]:
                break
    lead, sections, notes, trial = best[1]
    _open_sections(sections, stories, openers, trial)
    _adopt(ledger, trial)
    lead = [_figures_once(_subjects_carried(p, tokenizer)) for p in lead]
    return lead, sections, notes


_BRACKETED_FIGURE = re.compile(r"\((?P<figure>[\d.,]+\s?(?:%|%포인트|%p|배))\)")


def _figures_once(paragraph: str) -> str:
    """``paragraph`` without a figure in parentheses it has already given
    ("…120.1% 늘어난 767억 달러 … 엔비디아(120.1%)를 제외하면" → "엔비디아를")."""

    def once(match: re.Match[str]) -> str:
        told = paragraph[: match.start()]
        return "" if match.group("figure") in told else match.group(0)

    return _BRACKETED_FIGURE.sub(once, paragraph)


def _subjects_carried(paragraph: str, tokenizer: Tokenizer) -> str:
    """``paragraph`` without a subject repeated from the sentence before
    (``korean.elide_repeated_subject``)."""
    texts = [s.text for s in split_sentences(paragraph)]
    for index in range(1, len(texts)):
        texts[index] = elide_repeated_subject(texts[index - 1], texts[index], tokenizer)
    return " ".join(texts)


def _open_sections(
    sections: Sequence[ComposedSection],
    stories: Sequence[Story],
    openers: Mapping[int, str],
    ledger: SentenceLedger,
) -> None:
    """Open each section on its story's restated lede where nothing else told it
    (a plan where the sections chose first kept the ledes for the lead, which may
    not have taken them all)."""
    by_rank = {story.item.rank: story for story in stories}
    for section in sections:
        story = by_rank.get(section.ranks[0]) if section.ranks else None
        opener = openers.get(story.item.article.pk) if story else None
        if not opener or ledger.told(opener):
            continue
        high = SECTION_SENTENCES[1]
        told = split_sentences(section.body)
        section.body = " ".join(
            in_time_order([opener, *(s.text for s in told[: high - 1])])
        )
        ledger.add(opener, frozenset())


def _fit(lead: list[str], sections: list, wanted: int) -> tuple:
    """How well a lead and sections fill the briefing: all of it, then a lead at
    all (a briefing never opens straight on its sections), then the more."""
    return (
        len(sections) >= wanted and len(lead) >= 2,
        bool(lead),
        len(sections),
        len(lead),
    )


def _pick(
    story: Story, ledger: SentenceLedger, *, strict: bool, **options: Any
) -> list[StorySentence]:
    """``pick_story_sentences`` for ``story``; not ``strict``, the strict choice
    still wins when it says more (a lenient choice can lose every sentence to the
    rule that a paragraph never opens on one needing context)."""
    trial = _copy_ledger(ledger)
    title = story.item.article.headline
    chosen = pick_story_sentences(
        story.sentences, story.focus, trial, strict=True, title=title, **options
    )
    if not strict:
        lenient = _copy_ledger(ledger)
        more = pick_story_sentences(
            story.sentences, story.focus, lenient, strict=False, title=title, **options
        )
        if len(more) > len(chosen):
            chosen, trial = more, lenient
    _adopt(ledger, trial)
    return chosen


def _lead(
    stories: Sequence[Story],
    ledger: SentenceLedger,
    *,
    target: int = LEAD_TARGET,
    paragraphs: int = LEAD_PARAGRAPHS,
    strict: bool = True,
    openers: Mapping[int, str] | None = None,
    followers: Mapping[int, str] | None = None,
) -> list[str]:
    """The big picture: one paragraph for each of the day's top stories.

    Stories go in rank order (interest items first). A paragraph opens on what
    happened: the item's lede told shorter (``openers``, see ``_restated_ledes``)
    where it can be, else the story's best standalone account (``opener_first``:
    a reported event, not a verdict or last week's backdrop); a lede with no
    figure goes on with the 핵심 요약's next sentence told shorter (``followers``,
    see ``_restated_followers``). Then come one to
    three of the story's own sentences that its 핵심 요약 does not have, told
    shorter (glosses in parentheses and an announcement tail dropped, dates kept:
    ``prism.nlp.korean.compress``), and, where the story says it, a close on what
    it means for Korea or this reader (``pick_closer``). A paragraph keeps to
    ``LEAD_PARAGRAPH_CHARS``. A story with too little left to say, or nothing to
    open on, gives its place to the next.
    """
    openers = openers or {}
    followers = followers or {}
    low, high = LEAD_SENTENCES
    lead: list[tuple[int, str]] = []  # (the story's place, its paragraph)

    # Among the 관심 뉴스, and then among the 참고 뉴스, stories whose lede can be
    # told shorter go first: a paragraph opening on what happened beats one
    # made of what the 핵심 요약 left ("올해 1~10월 정책대출 공급액은 …" never
    # says the rate was cut). The paragraphs still run in rank order.
    def untold(story: Story) -> bool:
        opener = openers.get(story.item.article.pk)
        return not opener or ledger.told(opener)

    ranked = sorted(
        enumerate(stories),
        key=lambda pair: (
            pair[1].item.group != BriefingItem.Group.INTEREST,
            untold(pair[1]),
            pair[0],
        ),
    )
    for place, story in ranked:
        if len(lead) >= paragraphs:
            break
        trial = _copy_ledger(ledger)
        # Its own item's lede, told shorter (the ledger, which holds the lede,
        # would take any restatement for a repeat), unless a section told it.
        opener = openers.get(story.item.article.pk)
        if opener and trial.told(opener):
            opener = None
        follower = followers.get(story.item.article.pk) if opener else None
        if follower and trial.told(follower):
            follower = None
        told = [text for text in (opener, follower) if text]
        # A lead paragraph gives the story's telling facts, wherever they are.
        chosen = _pick(
            story,
            trial,
            count=max(target - len(told), 1),
            accept=_lead_sentence,
            max_quotes=0,
            strict=strict,
            near=0.0,
        )
        if not opener:
            chosen = opener_first(chosen[:high], story.focus, _day(story.item.article))
            if chosen and weak_opening(chosen[0].text):
                continue  # nothing here says what happened: the next story
        chosen = chosen[: high - len(told)]
        if chosen and len(told) + len(chosen) < high:
            # It closes on what the story means for Korea or for this reader.
            closer = pick_closer(
                story.sentences,
                chosen,
                trial,
                words=story.item.matched_keywords,
                focus=story.focus,
                accept=_lead_sentence,
            )
            if closer is not None:
                chosen.append(closer)
        texts = _varied_endings(
            [*told, *_with_pivots(story, chosen, trial, lambda s: compress(s.text))]
        )
        if (
            len(told) + len(chosen) < low
            or not (opener or any(story.focus & s.terms for s in chosen))
            or not (
                opener
                or (opens_story(chosen[0]) if strict else not chosen[0].dependent)
            )
        ):
            continue
        for text in told:
            trial.add(text, frozenset())
        _adopt(ledger, trial)
        told_in_order = in_time_order(_within_budget(texts, low, keep=len(told)))
        lead.append((place, " ".join(told_in_order)))
    return [paragraph for _, paragraph in sorted(lead)]


def _varied_endings(texts: list[str]) -> list[str]:
    """``texts`` with a finding stated where the sentence before ends the same
    way ("…없는 것으로 나타났다. …어려운 상태인 것으로 나타났다." → "…어려운
    상태다."): a lead paragraph does not say "it was found" twice in a row. (A
    section keeps the article's words: there a stated finding would read as the
    paper's own.)"""
    varied = list(texts)
    for index in range(1, len(varied)):
        ending = FINDING_ENDING.search(varied[index])
        before = FINDING_ENDING.search(varied[index - 1])
        if ending and before and ending.group(0) == before.group(0):
            varied[index] = drop_finding_tail(varied[index])
    return varied


def _within_budget(texts: list[str], low: int, keep: int = 1) -> list[str]:
    """``texts`` kept to ``LEAD_PARAGRAPH_CHARS``: the first ``keep`` (the
    opener and its follower) and the closer stay, the sentences between them go
    from the last, down to ``low`` sentences; then the closer goes."""
    texts = list(texts)
    while len(texts) > max(low, keep) and len(" ".join(texts)) > LEAD_PARAGRAPH_CHARS:
        del texts[-2 if len(texts) - 2 >= keep else -1]
    return texts


def _section_sentence(story: Story, sentence: StorySentence) -> bool:
    """A section sentence has a day for its "이날" (``_this_day``), is no
    backdrop set up for a contrast the paragraph may not carry ("그간 … 단골
    기업들은 … 삼성전자였다" without the "하지만 …" after it misstates the news)
    and no writer's verdict ("…섣부른 판단은 금물이다"): a section reports."""
    return (
        not _BACKDROP_OPENING.match(sentence.text)
        and not is_verdict(sentence.text)
        and _this_day(story, sentence) != 0
    )


def _this_day(story: Story, sentence: StorySentence) -> int | None:
    """The day an inner "이날" of ``sentence`` stands for: the last day the
    sentence just before it reports, else the news day its article's opening
    reports (the one day its first ``NEWS_DAY_SENTENCES`` tell: "19일
    유가증권시장에서 …" … "증권사 7곳이 이날 …"); 0 when neither says one, or the
    opening tells several days ("11일에는 … 13일에는 …": the 이날 of a poll
    published on the 13th is neither to be guessed), and the sentence is then
    left out; ``None`` when it says no "이날".

    Dropping the word would date an event of the 10th to today ("중국은 이날
    보복관세를 84%까지 올리고"), and other guesses are wrong too often: the
    nearest day told before may be a background event's ("이달(2일, 4일, 8~9일)
    들어서야 매도 우위로 돌아섰다"), and a print copy appears the day after."""
    if not has_this_day(sentence.text):
        return None
    text = story.texts[sentence.article_order]
    places = dict(zip(text.positions, text.sentences, strict=True))
    earlier = places.get(sentence.position - 1)
    day = last_reported_day(earlier) if earlier else None
    if day:
        return day
    opening = {
        day
        for position in range(min(NEWS_DAY_SENTENCES, sentence.position))
        for day in reported_days(places.get(position, ""))
    }
    return opening.pop() if len(opening) == 1 else 0


# The sentences of an article that state its news day, if it gives one.
NEWS_DAY_SENTENCES = 3


def _dated_text(story: Story, sentence: StorySentence) -> str:
    """``sentence`` with the day its inner "이날" stands for (see ``_this_day``)."""
    day = _this_day(story, sentence)
    return with_this_day(sentence.text, day) if day else sentence.text


def _day(article: Article) -> int | None:
    """The day of the month ``article`` appeared (local time), if it is dated."""
    if not article.published_at or getattr(article, "published_at_estimated", False):
        return None
    return timezone.localtime(article.published_at).day


def _with_pivots(
    story: Story,
    chosen: Sequence[StorySentence],
    ledger: SentenceLedger,
    render: Callable[[StorySentence], str],
) -> list[str]:
    """``chosen`` rendered, with the turn an article makes between two of them
    ("…미래의 량원펑을 길러내고 있다. 한국은 정반대다. 서울을 비롯한 수도권 대학은
    …"): without it the second side reads as more of the first. Each turn is
    told once in a briefing."""
    texts: list[str] = []
    for previous, sentence in zip([None, *chosen], chosen, strict=False):
        if previous is not None and previous.article_order == sentence.article_order:
            text = story.texts[sentence.article_order]
            for pivot in pivots_between(text, previous.position, sentence.position):
                if not ledger.told(pivot):
                    texts.append(pivot)
                    ledger.add(pivot, frozenset())
        texts.append(render(sentence))
    return texts


def _copy_ledger(ledger: SentenceLedger) -> SentenceLedger:
    trial = SentenceLedger()
    trial.texts = set(ledger.texts)
    trial.term_sets = list(ledger.term_sets)
    return trial


def _adopt(ledger: SentenceLedger, trial: SentenceLedger) -> None:
    ledger.texts, ledger.term_sets = trial.texts, trial.term_sets


def _sections(
    stories: Sequence[Story],
    ledger: SentenceLedger,
    tokenizer: Tokenizer,
    *,
    strict: bool = True,
    openers: Mapping[int, str] | None = None,
) -> tuple[list[ComposedSection], list[str]]:
    """Three ■ sections, each one story in depth under its headline's noun phrase.

    Stories are taken in rank order when they still have three sentences to add;
    if fewer than three do, the best of the rest get two, and the notes say so.
    A story the lead did not open on opens its section on its lede told shorter
    (``openers``), as the paper's sections do ("삼성SDI가 국내 배터리 업체 중 가장
    먼저 …"); the sentences after it add what the 핵심 요약 does not say.
    """
    openers = openers or {}
    low, high = SECTION_SENTENCES
    wanted = int(prism_settings.SECTIONS_PER_BRIEFING)
    picked: dict[int, tuple[str, str, int]] = {}  # heading, body, sentences found
    # Two parts of one desk package would tell one topic twice: a second part
    # gets a section only when nothing else can fill it. A story whose heading
    # its paragraph cannot name (the lead or its 핵심 요약 told that part: "■ 전세
    # 대란 우려" over the leftover on 분담금) gives way to one whose can, and gets
    # a section only when nothing else can fill it.
    passes = [
        (fits, minimum, packages)
        for fits in (True, False)
        for minimum, packages in ((low, False), (2, False), (low, True), (2, True))
    ]
    for fits, minimum, packages in passes:
        for index, story in enumerate(stories):
            if len(picked) >= wanted or index in picked:
                continue
            if not packages and any(
                same_package(story.item.article, stories[other].item.article)
                for other in picked
            ):
                continue
            trial = _copy_ledger(ledger)
            opener = openers.get(story.item.article.pk)
            if opener and trial.told(opener):
                opener = None  # the lead opened on it
            chosen, trial = _section_pick(story, trial, tokenizer, strict=strict)
            told = [opener] if opener else []
            if len(chosen) < 2 or len(told) + len(chosen) < minimum:
                continue
            if opener:
                trial.add(opener, frozenset())
            render = functools.partial(_dated_text, story)
            texts = [*told, *_with_pivots(story, chosen, trial, render)]
            heading, body = _headed(
                story, texts[:high], len(told), tokenizer, ledger=trial
            )
            if fits and heading_missing_from(heading, body):
                continue
            _adopt(ledger, trial)
            picked[index] = (heading, body, len(texts))
    sections, notes = [], []
    for position, index in enumerate(sorted(picked), start=1):
        heading, body, found = picked[index]
        if found < low:
            notes.append(f"{position}번째 주제 문단은 보탤 문장이 {found}개뿐입니다.")
        sections.append(
            ComposedSection(
                position=position,
                heading=heading,
                body=body,
                ranks=[stories[index].item.rank],
                keyphrases=[],
            )
        )
    if len(sections) < wanted:
        notes.append(
            f"주제 문단으로 쓸 만큼 내용이 있는 기사가 {len(sections)}건뿐입니다."
        )
    return sections, notes


def _section_pick(
    story: Story, ledger: SentenceLedger, tokenizer: Tokenizer, *, strict: bool
) -> tuple[list[StorySentence], SentenceLedger]:
    """A section's sentences, from one passage of each article (``one_passage``),
    and the ledger holding them. Where the item's article has several passages
    (an explainer's sub-headings), the one told is the one whose paragraph
    opens on what its heading names ("■ 엔비디아의 반도체 정점" over the
    passage on 엔비디아, not the one on SK하이닉스), then the one saying more."""

    def accept(sentence: StorySentence, passage: int | None = None) -> bool:
        return _section_sentence(story, sentence) and (
            passage is None or sentence.article_order or sentence.passage == passage
        )

    passages = sorted({s.passage for s in story.sentences if not s.article_order})
    best = None
    for passage in [None, *passages] if len(passages) > 1 else [None]:
        trial = _copy_ledger(ledger)
        chosen = _pick(
            story,
            trial,
            count=SECTION_TARGET,
            strict=strict,
            accept=functools.partial(accept, passage=passage),
            one_passage=True,
        )
        body = " ".join(in_time_order([s.text for s in chosen]))
        heading = story_heading(story, tokenizer, body) if chosen else ""
        key = (
            min(len(chosen), SECTION_SENTENCES[0]),
            bool(heading) and _opens_on(heading, body, sentences=1),
            sum(salience(s, story.focus) for s in chosen),
        )
        if best is None or key > best[0]:
            best = (key, chosen, trial)
    return best[1], best[2]


def _headed(
    story: Story,
    texts: list[str],
    keep: int,
    tokenizer: Tokenizer,
    *,
    ledger: SentenceLedger | None = None,
) -> tuple[str, str]:
    """A section's heading and body. When the heading names what the paragraph
    reaches only later (``quality.heading_missing_from``: "■ 국채 시장 우려" over a
    paragraph opening on the President's "유연성"), the paragraph opens on the
    sentence naming it instead, where that sentence stands alone and the one
    after it does not lean on it, and the heading then fits; the first ``keep``
    (a restated lede) stay first. When no sentence of the paragraph names it,
    the story's first untold sentence that does comes in (``_subject_sentence``;
    the paper's sections open on their subject: "퓨리오사AI의 기술력은 …"), the
    paragraph keeping to its length; failing that, another part of the headline
    heads it where the paragraph's opening names that part's subject."""
    body = " ".join(in_time_order(texts))
    heading = story_heading(story, tokenizer, body)
    word = heading_missing_from(heading, body, opening=OPENING_SENTENCES)
    if not word:
        return heading, body
    stem = word[: max(2, len(word) - 1)]
    for index in range(keep, len(texts)):
        text = texts[index]
        after = texts[index + 1] if index + 1 < len(texts) else ""
        if (
            stem not in text
            or QUOTATION.search(text)
            or not opens_story_text(text)
            or (after and refers_back(after))
        ):
            continue
        moved = [*texts[:keep], text, *texts[keep:index], *texts[index + 1 :]]
        moved_body = " ".join(in_time_order(moved))
        moved_heading = story_heading(story, tokenizer, moved_body)
        if not heading_missing_from(
            moved_heading, moved_body, opening=OPENING_SENTENCES
        ):
            return moved_heading, moved_body
    if not heading_missing_from(heading, body):
        return heading, body  # named soon enough: the report's measure
    found = (
        _subject_sentence(story, stem, texts, ledger) if ledger is not None else None
    )
    if found is not None:
        high = SECTION_SENTENCES[1]
        chain, at = found
        at = keep if at is None else at
        added = [_dated_text(story, sentence) for sentence in chain]
        opened = [*texts[:at], *added, *texts[at:]][:high]
        opened_body = " ".join(in_time_order(opened))
        opened_heading = story_heading(story, tokenizer, opened_body)
        if not heading_missing_from(opened_heading, opened_body):
            for sentence in chain:
                ledger.add(sentence.text, sentence.terms)
            return opened_heading, opened_body
    # Another part of the headline may be what the paragraph tells ("환율
    # 1470원 재돌파…외환당국 “쏠림 현상에 적극 대응”" over a paragraph on the
    # rate): its heading, where the paragraph's opening names its subject.
    for part in SEGMENT_BREAK.split(story.item.article.headline):
        candidate = (
            section_heading(part, tokenizer)
            if part.strip() and not SEGMENT_BREAK.fullmatch(part)
            else ""
        )
        if (
            candidate
            and candidate != heading
            and len(candidate) <= THEME_MAX_CHARS
            and not _PARTICLE_WORD.search(candidate)
            and not heading_missing_from(candidate, body)
            and _opens_on(candidate, body)
        ):
            return candidate, body
    # The heading stays; the quality report points the editor at it.
    return heading, body


# A headline word still carrying its particle ("SK하이닉스도", "발표에"): a
# clause, not a heading.
_PARTICLE_WORD = re.compile(r"[가-힣A-Za-z]{2,}(?:도|에|은|는|을|를|이|가)(?=\s|$)")


def _opens_on(heading: str, body: str, sentences: int = HEADING_OPENING) -> bool:
    """Whether the first ``sentences`` of ``body`` (``quality.HEADING_OPENING``)
    name the first word of ``heading``, its subject ("환율" of "환율 1470원
    재돌파")."""
    words = [
        word.removesuffix("의")
        for word in heading.split()
        if len(word) > 1 and not re.search(r"\d", word)
    ]
    if not words:
        return False
    stem = words[0][: max(2, len(words[0]) - 1)]
    opening = [s.text for s in split_sentences(body)][:sentences]
    return stem in " ".join(opening)


def _subject_sentence(
    story: Story, stem: str, texts: Sequence[str], ledger: SentenceLedger
) -> tuple[list[StorySentence], int | None] | None:
    """The story's first sentence naming ``stem`` that a section can take, and
    where: one that stands alone, reports and quotes nobody opens it (``None``);
    one that leans on the sentences before it goes, with them, right after the
    one the paragraph has ("…고집을 부려서는 안 된다”고 말했다. 이는 사실상 애플을
    언급한 발언으로 읽힌다. 막무가내로 관세를 매길 경우 애플 등 미국 빅테크만 피해를
    볼 수 있다는 …"). Never one the briefing has told, nor one from another
    passage of an article the paragraph draws on (``one_passage``)."""
    passages = {
        sentence.article_order: sentence.passage
        for sentence in story.sentences
        if sentence.text in texts
    }

    def usable(sentence: StorySentence) -> bool:
        return (
            _section_sentence(story, sentence)
            and passages.get(sentence.article_order, sentence.passage)
            == sentence.passage
            and not ledger.repeats(sentence.text, sentence.terms)
        )

    for sentence in story.sentences:
        if (
            stem not in sentence.text
            or QUOTATION.search(sentence.text)
            or not usable(sentence)
        ):
            continue
        if opens_story(sentence):
            return [sentence], None
        chain = [sentence]
        while len(chain) <= SUBJECT_CHAIN:
            before = _previous(story, chain[0])
            if before is None:
                break
            if before.text in texts:
                return chain, texts.index(before.text) + 1
            if not usable(before):
                break
            chain.insert(0, before)
    return None


# At most this many sentences, a subject's sentence and those it leans on.
SUBJECT_CHAIN = 3


def _previous(story: Story, sentence: StorySentence) -> StorySentence | None:
    """The usable sentence of ``story`` right before ``sentence``, if any."""
    return next(
        (
            other
            for other in story.sentences
            if other.article_order == sentence.article_order
            and other.position == sentence.position - 1
        ),
        None,
    )


def story_heading(story: Story, tokenizer: Tokenizer, body: str = "") -> str:
    """The ■ heading of a story's paragraph ``body``: its concept and trend
    ("슈퍼 추경 필요성"), else its headline as a short noun phrase."""
    headline = story.item.article.headline
    lede = story.texts[0].sentences[:1] if story.texts else []
    themed = theme_heading(story.concepts, headline, lede, tokenizer, body=body)
    return themed or section_heading(headline, tokenizer)


def section_heading(headline: str, tokenizer: Tokenizer) -> str:
    """The ■ heading of a story: its headline as a short noun phrase."""
    heading = headline_heading(headline, tokenizer)
    if not heading or bare_noun_heading(heading):
        heading = card_headline(headline)
    return spelled_countries(heading)[:HEADING_MAX_CHARS].strip()


def _summarizer_identities(summaries: Iterable[ItemSummary]) -> list[dict[str, str]]:
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for summary in summaries:
        key = (summary.backend, summary.model_name, summary.model_version)
        seen.setdefault(
            key,
            {"backend": key[0], "model_name": key[1], "model_version": key[2]},
        )
    return list(seen.values())


def reader_type_label(reader_type: ReaderType) -> str:
    """How the reader type is named in group headings ("CEO")."""
    return reader_type.name
