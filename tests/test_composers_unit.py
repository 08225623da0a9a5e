"""Composer plumbing without a server: URLs, parsing, prompts, cap and breaker."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from prism.composers.base import (
    ComposerConfigurationError,
    ComposerError,
    ComposerRequest,
    ComposerUnavailable,
    get_composer,
)
from prism.composers.limits import CircuitBreaker, ConcurrencyCap
from prism.composers.openai_compatible import validate_base_url
from prism.composers.parsing import looks_like_json, parse_answer
from prism.composers.prompts import load_prompt


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://models.example.com/v1",
        "file:///etc/passwd",
        "http://user:secret@llm.example.com/v1",
        "http://llm.example.com/v1?key=secret",
        "http://llm.example.com:notaport/v1",
        "llm.example.com/v1",
    ],
)
def test_bad_base_urls_are_refused_without_echoing_secrets(url):
    with pytest.raises(ComposerConfigurationError) as error:
        validate_base_url(url)
    assert "secret" not in str(error.value)


def test_a_good_base_url_is_kept_without_its_trailing_slash():
    assert validate_base_url("http://127.0.0.1:8001/v1/") == "http://127.0.0.1:8001/v1"


def test_the_api_key_is_never_shown(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    composer = get_composer(
        "openai",
        base_url="http://127.0.0.1:9/v1",  # nothing listens on the discard port
        model="m",
        api_key="sk-very-secret",
        timeout=0.2,
        max_retries=0,
        lock_dir=str(tmp_path),
    )
    assert "sk-very-secret" not in repr(composer)
    with pytest.raises(ComposerError) as error:
        composer.complete(ComposerRequest(part="lead", system="s", prompt="p"))
    assert "sk-very-secret" not in str(error.value)
    assert "sk-very-secret" not in caplog.text


@pytest.mark.parametrize(
    "text",
    [
        '{"paragraphs": ["가"]}',
        '```json\n{"paragraphs": ["가"]}\n```',
        '다음은 답입니다.\n{"paragraphs": ["가"],}\n감사합니다.',
        '{"paragraphs": ["가",]}',
    ],
)
def test_answers_are_read_tolerantly(text):
    assert parse_answer(text) == {"paragraphs": ["가"]}


def test_broken_json_is_not_mistaken_for_prose():
    broken = '{"paragraphs": ["한국은행이 기준금리를'
    assert parse_answer(broken) is None
    assert looks_like_json(broken)
    assert not looks_like_json("한국은행이 기준금리를 내렸다.")


def test_prompts_are_korean_templates_with_versions(tmp_path):
    lead = load_prompt("lead")
    text = lead.render(
        reader_name="CEO",
        reader_description="경영진",
        reader_interests="관세, 환율",
        articles="[기사 1] 제목",
        paragraphs=3,
    )
    assert "CEO" in text and "[기사 1] 제목" in text and "$" not in text
    assert '{"paragraphs"' in text
    assert lead.version.startswith("lead@")
    (tmp_path / "lead.txt").write_text("독자: $reader_name\n", encoding="utf-8")
    override = load_prompt("lead", tmp_path)
    assert override.render(reader_name="CEO") == "독자: CEO"
    assert override.version != lead.version
    assert load_prompt("section", tmp_path).path.parent != tmp_path


def test_the_cap_holds_across_threads(tmp_path):
    cap = ConcurrencyCap(2, tmp_path, wait_seconds=5)
    active, peak, lock = [0], [0], threading.Lock()

    def work():
        with cap.slot():
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 2


def test_a_second_cap_on_the_same_directory_shares_the_slots(tmp_path):
    first = ConcurrencyCap(1, tmp_path, wait_seconds=0.1)
    other_worker = ConcurrencyCap(1, tmp_path, wait_seconds=0.1)
    with first.slot():
        with pytest.raises(ComposerUnavailable):
            with other_worker.slot():
                pass
    with other_worker.slot():
        pass


def test_the_breaker_opens_then_lets_one_trial_through(tmp_path):
    breaker = CircuitBreaker(failures=2, reset_seconds=0.05, directory=tmp_path)
    breaker.check()
    breaker.failure()
    breaker.check()
    breaker.failure()
    with pytest.raises(ComposerUnavailable, match="차단기"):
        breaker.check()
    time.sleep(0.06)
    breaker.check()  # half-open: one trial
    with pytest.raises(ComposerUnavailable):
        breaker.check()
    breaker.success()
    breaker.check()
    assert not breaker.is_open


HOLD_A_SLOT = """
import sys, time
from pathlib import Path
from prism.composers.limits import ConcurrencyCap
cap = ConcurrencyCap(2, Path(sys.argv[1]), wait_seconds=30)
with cap.slot():
    start = time.time()
    time.sleep(0.3)
    print(start, time.time())
"""


def test_the_cap_holds_across_worker_processes(tmp_path):
    import subprocess
    import sys

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", HOLD_A_SLOT, str(tmp_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    spans = [tuple(map(float, w.communicate(timeout=60)[0].split())) for w in workers]
    # At no moment did more than two processes hold a slot.
    for start, _ in spans:
        assert sum(1 for s, e in spans if s <= start < e) <= 2
    assert max(e for _, e in spans) - min(s for s, _ in spans) >= 0.55


class EchoComposer:
    """A newsroom's own composer, named by its dotted path."""

    backend = "echo"

    def __init__(self, model: str = "echo-1") -> None:
        self.model_name = model

    def complete(self, request):
        from prism.composers.base import ComposerReply

        return ComposerReply(text=request.prompt, model=self.model_name)


def test_a_dotted_path_names_your_own_composer():
    composer = get_composer("tests.test_composers_unit.EchoComposer", model="mine")
    reply = composer.complete(ComposerRequest(part="lead", system="s", prompt="안녕"))
    assert (composer.backend, reply.text, reply.model) == ("echo", "안녕", "mine")
    with pytest.raises(ComposerConfigurationError, match="Unknown composer"):
        get_composer("nonsense")
    with pytest.raises(ComposerConfigurationError, match="Cannot import"):
        get_composer("tests.nowhere.Composer")
