"""Korean morphological analysis behind one small interface.

konlpy's Okt is the default; Komoran, Hannanum and Mecab (where installed) are
selectable, and kiwipiepy when it is installed. Each tagger is created once per
process, on first use, under a lock: konlpy starts a JVM, which is slow and must not
happen at import time or in a parent process that later forks workers.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol, runtime_checkable

KONLPY_TAGGERS = {"okt": "Okt", "komoran": "Komoran", "hannanum": "Hannanum"}
TOKENIZER_NAMES = (*KONLPY_TAGGERS, "mecab", "kiwi")
# Noun-like tags of every supported tag set (Okt, Sejong/Komoran/Mecab/Kiwi, Hannanum).
NOUN_TAGS = frozenset({"Noun", "Alpha", "NNG", "NNP", "SL", "SH", "N", "F"})
NUMBER_TAGS = frozenset({"Number", "SN", "NR"})
# Predicates carry meaning for sentence similarity (Okt surface forms, Sejong stems).
PREDICATE_TAGS = frozenset({"Verb", "Adjective", "VV", "VA", "XR", "P"})


class TokenizerUnavailable(RuntimeError):
    """The requested morphological analyser cannot run here (Java, Mecab missing)."""


@runtime_checkable
class Tokenizer(Protocol):
    """What PRISM needs from a Korean morphological analyser."""

    name: str

    def nouns(self, text: str) -> list[str]: ...

    def morphs(self, text: str) -> list[str]: ...

    def pos(self, text: str) -> list[tuple[str, str]]: ...


class Token(NamedTuple):
    """A tagged morpheme and where its surface form sits in the analysed text."""

    form: str
    tag: str
    start: int
    end: int

    @property
    def is_noun(self) -> bool:
        return self.tag in NOUN_TAGS

    @property
    def is_number(self) -> bool:
        return self.tag in NUMBER_TAGS


class _LazyTagger:
    """Shared plumbing: build the tagger on first use, serialise calls to it."""

    name = ""

    def __init__(self) -> None:
        self._tagger: Any = None
        self._owner_pid: int | None = None
        self._lock = threading.RLock()

    def _build(self) -> Any:
        raise NotImplementedError

    def _get(self) -> Any:
        if self._tagger is not None and self._owner_pid != os.getpid():
            # The JVM does not survive fork(); calling it in the child hangs.
            raise TokenizerUnavailable(
                f"The {self.name} tagger was started in process {self._owner_pid} "
                f"before this process ({os.getpid()}) was forked from it. Do not "
                "tokenize in a parent process that forks workers (e.g. the django-q2 "
                "cluster); let each worker create its own tagger."
            )
        if self._tagger is None:
            with self._lock:
                if self._tagger is None:
                    self._tagger = self._build()
                    self._owner_pid = os.getpid()
        return self._tagger

    def _call(self, method: str, text: str) -> Any:
        if not text or not text.strip():
            return []
        tagger = self._get()
        # Java taggers are not documented as thread-safe; calls are short.
        with self._lock:
            return getattr(tagger, method)(text)

    def pos(self, text: str) -> list[tuple[str, str]]:
        return [(str(form), str(tag)) for form, tag in self._call("pos", text)]

    def morphs(self, text: str) -> list[str]:
        return [form for form, _ in self.pos(text)]

    def nouns(self, text: str) -> list[str]:
        return [form for form, tag in self.pos(text) if tag in NOUN_TAGS - {"SL", "F"}]


class KonlpyTokenizer(_LazyTagger):
    """A konlpy tagger (Okt, Komoran, Hannanum, Mecab)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def _build(self) -> Any:
        try:
            from konlpy import tag
        except ImportError as exc:  # pragma: no cover - konlpy is a hard dependency
            raise TokenizerUnavailable(
                "konlpy is not installed: pip install konlpy"
            ) from exc
        if self.name == "mecab":
            try:
                return tag.Mecab()
            except Exception as exc:
                raise TokenizerUnavailable(
                    "PRISM[\"TOKENIZER\"] is 'mecab' but mecab-ko and mecab-ko-dic are "
                    "not installed. Install them (konlpy's install guide: "
                    "https://konlpy.org/en/latest/install/) or use 'okt'."
                ) from exc
        # PRISM_JVM_PATH picks a libjvm when several Java runtimes are installed.
        jvm_path = os.environ.get("PRISM_JVM_PATH") or None
        try:
            return getattr(tag, KONLPY_TAGGERS[self.name])(jvmpath=jvm_path)
        except Exception as exc:
            raise TokenizerUnavailable(
                f"Could not start the konlpy {KONLPY_TAGGERS[self.name]} tagger "
                f"({exc}). "
                "konlpy needs a Java runtime (JDK/JRE 8+): install one (Debian/Ubuntu: "
                "apt-get install default-jre-headless; macOS: brew install openjdk) "
                "and make sure `java` is on PATH or JAVA_HOME points at it (or set "
                "PRISM_JVM_PATH to the libjvm file)."
            ) from exc

    def _call(self, method: str, text: str) -> Any:
        # Okt keeps surface forms (no normalisation or stemming) so offsets line up.
        if self.name == "okt" and method == "pos":
            if not text or not text.strip():
                return []
            tagger = self._get()
            with self._lock:
                return tagger.pos(text, norm=False, stem=False)
        return super()._call(method, text)


class KiwiTokenizer(_LazyTagger):
    """kiwipiepy's Kiwi (optional; a C++ analyser, no JVM)."""

    name = "kiwi"

    def _build(self) -> Any:
        try:
            from kiwipiepy import Kiwi
        except ImportError as exc:
            raise TokenizerUnavailable(
                "PRISM[\"TOKENIZER\"] is 'kiwi' but kiwipiepy is not installed: "
                "pip install kiwipiepy, or use 'okt'."
            ) from exc
        return Kiwi()

    def _call(self, method: str, text: str) -> Any:
        return [(token.form, token.tag) for token in self._tokenize(text)]

    def _tokenize(self, text: str) -> list[Any]:
        if not text or not text.strip():
            return []
        # Kiwi is thread-safe and releases the GIL; no lock needed.
        return self._get().tokenize(text)

    def tokens(self, text: str) -> list[Token]:
        """Kiwi reports offsets itself; they beat searching for forms."""
        return [
            Token(t.form, t.tag, t.start, t.start + t.len) for t in self._tokenize(text)
        ]


_tokenizers: dict[str, Tokenizer] = {}
_registry_lock = threading.Lock()


def get_tokenizer(name: str = "okt") -> Tokenizer:
    """The process-wide tokenizer called ``name``; the tagger starts on first use."""
    key = (name or "okt").strip().lower()
    if key not in TOKENIZER_NAMES:
        raise ValueError(
            f"Unknown tokenizer {name!r}; choose one of {', '.join(TOKENIZER_NAMES)}."
        )
    with _registry_lock:
        if key not in _tokenizers:
            _tokenizers[key] = (
                KiwiTokenizer() if key == "kiwi" else KonlpyTokenizer(key)
            )
        return _tokenizers[key]


def tokenize_with_offsets(
    tokenizer: Tokenizer, text: str, pos: Callable[[str], list] | None = None
) -> list[Token]:
    """Tag ``text`` and locate every morpheme's surface form in it.

    Taggers return forms, not offsets; forms are found left to right. Forms that are
    not literally in the text (Komoran's ``ㄴ``, stems) get a zero-width position at
    the cursor so they still fall in the right sentence.
    """
    if pos is None and isinstance(tokenizer, KiwiTokenizer):
        return tokenizer.tokens(text)
    tagged = (pos or tokenizer.pos)(text)
    tokens: list[Token] = []
    append, find = tokens.append, text.find
    cursor = 0
    for form, tag in tagged:
        size = len(form)
        found = find(form, cursor, cursor + size + 32) if size else -1
        if found < 0:
            append(Token(form, tag, cursor, cursor))
        else:
            cursor = found + size
            append(Token(form, tag, found, cursor))
    return tokens


def tokens_in_spans(
    tokens: list[Token], spans: list[tuple[int, int]]
) -> list[list[Token]]:
    """Group ``tokens`` by the ``(start, end)`` span each one starts in."""
    starts = [start for start, _ in spans]
    groups: list[list[Token]] = [[] for _ in spans]
    for token in tokens:
        index = bisect.bisect_right(starts, token.start) - 1
        if index >= 0 and token.start < spans[index][1]:
            groups[index].append(token)
    return groups
