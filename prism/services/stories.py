"""The articles of a selection analysed once, and the stories they tell.

An :class:`ArticleText` keeps what composing needs of an article (its usable
sentences, their nouns, keyword candidates, the people it names); a
:class:`Story` is one selected item with its same-story 관련기사, told in a lead
paragraph or a ■ section. Reads only; analysed texts are cached per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from prism.conf import prism_settings
from prism.models import Article
from prism.nlp.cache import LRUCache
from prism.nlp.keywords import candidates_from_tokens
from prism.nlp.korean import (
    introduced_earlier,
    needs_context,
    person_names,
    time_bound,
)
from prism.nlp.noise import (
    glued_heading,
    noise_reason,
    prefix_length,
    recurring_subjects,
    unread,
)
from prism.nlp.sentences import split_sentences
from prism.nlp.themes import StorySentence
from prism.nlp.tokens import Tokenizer, get_tokenizer, tokenize_with_offsets
from prism.nlp.tokens import tokens_in_spans as group_tokens
from prism.services.selection import SelectedItem, Selection, is_index_term

TEXT_CACHE_SIZE = 2_000


@dataclass(frozen=True)
class ArticleText:
    """An article analysed once: usable sentences, their nouns, keyword candidates."""

    article_id: int
    sentences: list[str]
    terms: list[frozenset[str]]
    positions: list[int]
    candidates: dict[str, Any]
    length: int
    names: frozenset[str]
    # Per sentence: needs the sentence before it to be understood (see
    # prism.nlp.korean.needs_context).
    leans: list[bool] = field(default_factory=list)
    # Short turns between the article's two sides ("한국은 정반대다."), by
    # position: too short for a summary, but a paragraph that takes sentences
    # from both sides needs them (``pivots_between``).
    pivots: dict[int, str] = field(default_factory=dict)
    # Per sentence: the passage it belongs to, counted from 0 at each sub-heading
    # ("‘美 국채 던지기’ 부담 키웠나?"): each passage of an explainer answers
    # its own question.
    passages: list[int] = field(default_factory=list)


# A sub-heading: a short question between passages ("‘유연성’ 두 번이나 강조한
# 속내는?"), or a heading run into the sentence after it ("…솔루션
# 개발파네시아는").
SUBHEADING_MAX_CHARS = 40


def _subheading(clean: str, reason: str) -> bool:
    return reason == "heading_glued" or (
        reason == "question" and len(clean) <= SUBHEADING_MAX_CHARS
    )


# A turn from one side of a comparison to the other: a topic and a word of
# contrast, in a few words ("한국은 정반대다.", "국내 상황은 딴판이다.").
PIVOT = re.compile(
    r"^[가-힣A-Za-z]{1,8}(?:\s[가-힣]{1,6})?(?:은|는)\s"
    r"(?:정반대|반대|딴판|다르|달랐|예외가\s아니)[가-힣]*\.$"
)
PIVOT_MAX_CHARS = 20


def pivots_between(text: ArticleText, start: int, end: int) -> list[str]:
    """The turns ``text`` makes between sentence positions ``start`` and ``end``."""
    return [text.pivots[p] for p in sorted(text.pivots) if start < p < end]


_text_cache: LRUCache[ArticleText] = LRUCache(TEXT_CACHE_SIZE)


def article_text(article: Article, tokenizer: Tokenizer | None = None) -> ArticleText:
    """Tag ``article``'s headline and body once per process and keep what we need."""
    key = (article.pk, article.content_hash, article.headline)
    cached = _text_cache.get(key)
    if cached is not None:
        return cached
    tokenizer = tokenizer or get_tokenizer(prism_settings.TOKENIZER)
    title_end = len(article.headline)
    title = article.headline
    text = f"{article.headline}\n{article.body}"
    tokens = tokenize_with_offsets(tokenizer, text)
    sentences = [s for s in split_sentences(text) if s.start > title_end]
    groups = group_tokens(tokens, [(s.start, s.end) for s in sentences])
    texts, terms, positions, leans, passages = [], [], [], [], []
    passage = 0
    pivots: dict[int, str] = {}
    read: list[str] = []  # what a reader has met before each sentence
    subjects = recurring_subjects([s.text for s in sentences])
    estimated = bool(getattr(article, "published_at_estimated", False))
    for position, (sentence, sentence_tokens) in enumerate(
        zip(sentences, groups, strict=True)
    ):
        if sentence.text.startswith("한편"):
            break  # what follows "한편" is another story (a side note, a wrap-up)
        clean = sentence.text[prefix_length(sentence.text) :].strip()
        reason = noise_reason(clean) or (
            "heading_glued" if glued_heading(clean, subjects) else ""
        )
        earlier = " ".join(read)
        if not unread(clean, reason):
            read.append(clean)
        if (
            reason == "too_short"
            and len(clean) <= PIVOT_MAX_CHARS
            and PIVOT.match(clean)
        ):
            pivots[position] = clean
        if _subheading(clean, reason) and texts:
            passage += 1
        if reason or time_bound(clean, estimated=estimated):
            continue
        texts.append(clean)
        passages.append(passage)
        tags = [(t.form, t.tag) for t in sentence_tokens]
        leans.append(
            needs_context(sentence.text, tags)
            or needs_context(clean, tags)
            or introduced_earlier(clean, earlier, title)
        )
        terms.append(
            frozenset(
                t.form.lower()
                for t in sentence_tokens
                if t.is_noun and is_index_term(t.form)
            )
        )
        positions.append(position)
    entry = ArticleText(
        article_id=article.pk,
        sentences=texts,
        terms=terms,
        positions=positions,
        candidates=candidates_from_tokens(text, tokens, title_end=title_end),
        length=len(text),
        names=frozenset(person_names(text)),
        leans=leans,
        pivots=pivots,
        passages=passages,
    )
    return _text_cache.put(key, entry)


def clear_caches() -> None:
    """Forget analysed article texts (tests, benchmarks)."""
    _text_cache.clear()


@dataclass
class Story:
    """One item and its same-story articles, told in a lead paragraph or section."""

    item: SelectedItem
    texts: list[ArticleText]
    focus: set[str]
    # Its keyword phrases, best first (briefing_keywords.story_keywords): the
    # concept its ■ heading and the [키워드 TOP 5] name it by.
    concepts: list[str] = field(default_factory=list)

    @property
    def sentences(self) -> list[StorySentence]:
        return [
            StorySentence(sentence, terms, order, position, leans, passage)
            for order, text in enumerate(self.texts)
            for sentence, terms, position, leans, passage in zip(
                text.sentences,
                text.terms,
                text.positions,
                text.leans,
                text.passages or [0] * len(text.sentences),
                strict=True,
            )
        ]


def selection_stories(selection: Selection, tokenizer: Tokenizer) -> list[Story]:
    """Each item with its 관련기사, in rank order; focus words from the headline."""
    stories = []
    for item in selection.items:
        texts = [article_text(item.article, tokenizer)]
        texts += [article_text(a, tokenizer) for a in item.related[:2]]
        focus = {
            term.lower()
            for term in tokenizer.nouns(item.article.headline)
            if is_index_term(term)
        }
        stories.append(Story(item=item, texts=texts, focus=focus))
    return stories
