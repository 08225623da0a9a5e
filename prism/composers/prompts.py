"""Prompt templates: Korean text files a newsroom can override, with versions.

Templates live in ``prism/prompts/<name>.txt``; a file of the same name in the
directory named by the ``prompt_dir`` composer option replaces the default. They use
``$name`` placeholders (``string.Template``), so JSON examples need no escaping.
Lines starting with ``#`` are notes for editors and are not sent. A template's
version is its name and a hash of its text: every part records which one wrote it.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "prompts"
NAMES = ("system", "lead", "section", "keywords", "summary")


@dataclass(frozen=True)
class PromptTemplate:
    """One template, where it came from and its version."""

    name: str
    text: str
    path: Path

    @property
    def version(self) -> str:
        digest = hashlib.sha1(self.text.encode(), usedforsecurity=False).hexdigest()
        return f"{self.name}@{digest[:10]}"

    def render(self, **values: object) -> str:
        body = "\n".join(
            line for line in self.text.splitlines() if not line.startswith("#")
        ).strip()
        return string.Template(body).safe_substitute(
            {key: str(value) for key, value in values.items()}
        )


def load_prompt(name: str, prompt_dir: str | Path | None = None) -> PromptTemplate:
    """The template ``name``: the override in ``prompt_dir`` if any, else PRISM's."""
    if name not in NAMES:
        raise ValueError(f"Unknown prompt {name!r}; known: {', '.join(NAMES)}")
    for directory in (prompt_dir, DEFAULT_DIR):
        if not directory:
            continue
        path = Path(directory).expanduser() / f"{name}.txt"
        if path.is_file():
            return PromptTemplate(name, path.read_text(encoding="utf-8"), path)
    raise FileNotFoundError(f"No prompt template {name}.txt in {DEFAULT_DIR}")
