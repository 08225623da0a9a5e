"""The 핵심 요약 written by a composer, behind the summarizer interface.

``PRISM["SUMMARIZER_BACKEND"] = "composer"`` makes the morning's summaries (and the
background ``summarize_articles`` tasks) use the configured composer: the
``summary.txt`` prompt, the grounding check against the article, and the extractive
summary whenever fewer than ``min_sentences`` generated sentences are supported (or
the model fails), with the reason in ``Summary.fallback_reason``. Generated
sentences carry the offsets of the body sentence that supports them best.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prism.composers.base import (
    ComposerConfigurationError,
    ComposerError,
    ComposerRequest,
    get_composer,
)
from prism.composers.parsing import looks_like_json, parse_answer, strings
from prism.composers.prompts import load_prompt
from prism.nlp.extractive import ExtractiveSummarizer, TaggedArticle
from prism.nlp.grounding import GroundingChecker, SourceDocument
from prism.nlp.sentences import Sentence
from prism.nlp.summarize import Summary

READER = "경제 뉴스 독자"


class ComposerSummarizer:
    """Options: ``composer`` (backend name or dotted path) and its own options,
    plus ``tokenizer``, ``min_chars``, ``max_chars``, ``min_sentences``,
    ``grounding_tokenizer``, ``coverage_threshold``, ``prompt_dir``,
    ``article_chars``."""

    backend = "composer"

    def __init__(
        self,
        composer: str = "openai",
        tokenizer: str = "okt",
        min_chars: int = 150,
        max_chars: int = 300,
        min_sentences: int = 2,
        grounding_tokenizer: str = "komoran",
        coverage_threshold: float = 0.5,
        prompt_dir: str = "",
        article_chars: int = 1400,
        **composer_options: Any,
    ) -> None:
        self.composer_name = composer
        self.composer_options = composer_options
        self.model_name = str(composer_options.get("model", ""))
        self.min_chars, self.max_chars = int(min_chars), int(max_chars)
        self.min_sentences = max(1, int(min_sentences))
        self.prompt_dir = prompt_dir or None
        # The summaries' identity: stored ones are reused while prompts stay the same.
        self.system = load_prompt("system", self.prompt_dir)
        self.prompt = load_prompt("summary", self.prompt_dir)
        self.model_version = f"{self.system.version}+{self.prompt.version}"
        self.article_chars = int(article_chars)
        self.extractive = ExtractiveSummarizer(
            tokenizer=tokenizer, min_chars=min_chars, max_chars=max_chars
        )
        self.checker = GroundingChecker(
            grounding_tokenizer, coverage_threshold=coverage_threshold
        )

    def summarize(self, title: str, body: str, n_sentences: int = 3) -> Summary:
        fallback, keywords = self._extractive(title, body, n_sentences)
        try:
            sentences = self._generate(title, body, n_sentences)
        except (ComposerError, ComposerConfigurationError) as exc:
            return self._summary(
                fallback, keywords, f"생성 오류로 추출 요약을 사용함: {exc}"
            )
        if sentences is None:
            reason = "모델 응답을 읽을 수 없어 추출 요약을 사용함"
            return self._summary(fallback, keywords, reason)
        grounded = self.checker.check(
            " ".join(sentences), [SourceDocument(0, title, body)]
        )
        kept = [
            Sentence(v.text, v.citations[0].start, v.citations[0].end)
            if v.citations
            else Sentence(v.text, -1, -1)
            for v in grounded.supported
        ][:n_sentences]
        if len(kept) < min(self.min_sentences, n_sentences):
            reason = (
                f"출처로 확인된 문장이 {len(kept)}개뿐이라 추출 요약을 사용함"
                + "".join(f"; 뺀 문장: {v.reason}" for v in grounded.unsupported[:2])
            )
            return self._summary(fallback, keywords, reason)
        return self._summary(kept, keywords, "")

    def summarize_batch(
        self, documents: Sequence[tuple[str, str]], n_sentences: int = 3
    ) -> list[Summary]:
        return [self.summarize(title, body, n_sentences) for title, body in documents]

    def _generate(self, title: str, body: str, n_sentences: int) -> list[str] | None:
        composer = get_composer(self.composer_name, **self.composer_options)
        system, prompt = self.system, self.prompt
        text = " ".join(body.split())[: self.article_chars]
        reply = composer.complete(
            ComposerRequest(
                part="summary",
                system=system.render(),
                prompt=prompt.render(
                    reader_name=READER,
                    articles=f"[기사 1] {title}\n본문: {text}",
                    sentences=n_sentences,
                    min_chars=self.min_chars,
                    max_chars=self.max_chars,
                ),
            )
        )
        data = parse_answer(reply.text)
        if data is not None:
            return strings(data.get("sentences") or data.get("summary"))
        if looks_like_json(reply.text) or not reply.text.strip():
            return None
        return [" ".join(reply.text.split())]

    def _extractive(self, title: str, body: str, n_sentences: int):
        article = TaggedArticle.tag(self.extractive.tokenizer, title, body)
        chosen, candidates = self.extractive.select_with_candidates(
            article, n_sentences
        )
        return chosen, self.extractive.keywords(article, candidates)

    def _summary(
        self, sentences: list[Sentence], keywords: list[str], reason: str
    ) -> Summary:
        return Summary(
            text=" ".join(s.text for s in sentences),
            sentences=sentences,
            keywords=keywords,
            backend=self.backend,
            model_name=self.model_name,
            model_version=self.model_version,
            fallback_reason=reason,
        )
