"""The generative composer against a real local chat-completions server process.

The server (tests/llm_server.py) is scripted per test: good answers, a fabricated
figure, an invented company, malformed JSON, timeouts, 429 and 500. Whatever it
does, the draft exists and never contains what the sources do not say.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from prism.composers.base import clear_composers
from prism.models import Briefing, BriefingRevision, GenerationRun, ReaderType
from prism.nlp.sentences import split_sentences
from prism.services.generation import briefing_generate, generation_run_create

SERVER = Path(__file__).resolve().parent / "llm_server.py"
FABRICATED_FIGURE = "9999조"
INVENTED_COMPANY = "가온누리중공업"


class ScriptedServer:
    """Handle on the server process: its URL, its mode and what it received."""

    def __init__(self, process: subprocess.Popen, port: int) -> None:
        self.process = process
        self.url = f"http://127.0.0.1:{port}/v1"
        self.root = f"http://127.0.0.1:{port}"

    def script(self, mode: str = "good", **options) -> None:
        body = json.dumps({"mode": mode, "delay": 0, "fail_first": 0, **options})
        request = urllib.request.Request(  # noqa: S310 - the local test server
            f"{self.root}/_mode", data=body.encode(), method="POST"
        )
        urllib.request.urlopen(request, timeout=5).read()  # noqa: S310 - local

    def log(self) -> list[dict]:
        url = f"{self.root}/_log"
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return json.loads(response.read())


@pytest.fixture(scope="module")
def llm_server():
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("PORT "), line
        yield ScriptedServer(process, int(line.split()[1]))
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def composer_settings(settings, llm_server, tmp_path):
    """PRISM pointed at the scripted server with test-sized timeouts."""
    clear_composers()

    def configure(**options):
        settings.PRISM = {
            **getattr(settings, "PRISM", {}),
            "COMPOSER_BACKEND": "openai",
            "COMPOSER_OPTIONS": {
                "base_url": llm_server.url,
                "model": "scripted-llm",
                "api_key": "sk-test-secret",
                "timeout": 0.4,
                "max_retries": 1,
                "backoff": 0.01,
                "max_backoff": 0.05,
                "breaker_failures": 1000,
                "lock_dir": str(tmp_path),
                "deadline": 30,
                **options,
            },
        }
        clear_composers()

    configure()
    yield configure
    clear_composers()


def generate(edition_date, run=None) -> Briefing:
    outcome = briefing_generate(
        reader_type=ReaderType.objects.get(slug="ceo"),
        edition_date=edition_date,
        run=run,
    )
    assert outcome.briefing is not None, outcome.reason
    return outcome.briefing


def draft_text(briefing: Briefing) -> str:
    parts = [briefing.lead, *briefing.keywords]
    for section in briefing.sections.all():
        parts += [section.heading, section.body]
    parts += [item.summary for item in briefing.items.all()]
    return "\n".join(parts)


def composer_provenance(briefing: Briefing) -> dict:
    revision = briefing.revisions.get(kind=BriefingRevision.Kind.GENERATED)
    return revision.provenance["composer"]


def assert_complete(briefing: Briefing) -> None:
    assert briefing.lead.strip()
    assert briefing.sections.count() == 3
    assert all(s.body.strip() for s in briefing.sections.all())
    assert briefing.items.count() == 6
    assert len(briefing.keywords) == 5


pytestmark = pytest.mark.slow


def test_good_answers_become_the_draft_with_provenance_and_usage(
    sample_edition, composer_settings, llm_server
):
    llm_server.script("good")
    run = generation_run_create(edition_date=sample_edition.edition_date)
    briefing = generate(sample_edition.edition_date, run=run)
    assert_complete(briefing)
    composer = composer_provenance(briefing)
    assert composer["backend"] == "openai"
    assert composer["model"] == "scripted-llm"
    lead = composer["parts"]["lead"]
    assert lead["written_by"] == "model"
    assert lead["prompt_version"].startswith("system@")
    assert "+lead@" in lead["prompt_version"]
    assert 0 < lead["grounding_score"] <= 1
    assert lead["citations"] and lead["citations"][0][0]["article_id"]
    assert composer["parts"]["section:1"]["written_by"] == "model"
    lead_sentences = {s.text for s in split_sentences(briefing.lead)}
    for section in briefing.sections.all():
        assert not lead_sentences & {s.text for s in split_sentences(section.body)}
    usage = GenerationRun.objects.get(pk=run.pk).composer_usage
    assert usage["total"]["tokens_in"] > 0 and usage["total"]["tokens_out"] > 0
    assert usage["reader_types"]["ceo"]["requests"] == 5
    requests = llm_server.log()
    assert requests[0]["headers"]["Authorization"] == "Bearer sk-test-secret"
    assert requests[0]["payload"]["response_format"] == {"type": "json_object"}
    assert requests[0]["payload"]["model"] == "scripted-llm"
    prompts = [r["payload"]["messages"][1]["content"] for r in requests]
    [lead_prompt] = [p for p in prompts if '"paragraphs"' in p]
    assert "CEO" in lead_prompt
    assert all(f"■ 주제 {n}" in lead_prompt for n in (1, 2, 3))  # grouped by story
    from prism.services.composer_records import part_citations

    cited = part_citations(briefing)["lead"]
    assert cited and all(entry["sentence"] in briefing.lead for entry in cited)
    source = cited[0]["sources"][0]
    assert source["headline"] and source["excerpt"]


def test_the_run_page_shows_tokens_and_time(
    sample_edition, composer_settings, llm_server, admin_client
):
    llm_server.script("good")
    run = generation_run_create(edition_date=sample_edition.edition_date)
    generate(sample_edition.edition_date, run=run)
    usage = GenerationRun.objects.get(pk=run.pk).composer_usage["total"]
    page = admin_client.get(f"/admin/prism/generationrun/{run.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "AI 작성기 사용량" in html and "입력 토큰" in html
    assert str(int(usage["tokens_in"])) in html


@pytest.mark.parametrize(
    ("mode", "forbidden"),
    [("fabricate", FABRICATED_FIGURE), ("entity", INVENTED_COMPANY)],
)
def test_unsupported_sentences_never_reach_the_draft(
    sample_edition, composer_settings, llm_server, mode, forbidden
):
    llm_server.script(mode)
    briefing = generate(sample_edition.edition_date)
    assert_complete(briefing)
    assert forbidden not in draft_text(briefing)
    composer = composer_provenance(briefing)
    assert composer["parts"]["lead"]["written_by"] == "model"  # the rest was fine
    assert composer["parts"]["lead"]["dropped"] >= 1
    findings = composer["findings"]
    assert findings and all(f["check"] == "ungrounded" for f in findings)
    assert any(forbidden in f["excerpt"] for f in findings)
    assert {f["severity"] for f in findings} == {"hard"}


@pytest.mark.parametrize(
    ("mode", "options", "reason"),
    [
        ("malformed", {}, "JSON"),
        ("timeout", {"delay": 1.0}, "시간 초과"),
        ("429", {}, "HTTP 429"),
        ("500", {}, "HTTP 500"),
    ],
)
def test_a_failing_model_leaves_the_extractive_draft_and_says_why(
    sample_edition, composer_settings, llm_server, settings, mode, options, reason
):
    settings.PRISM = {**settings.PRISM, "COMPOSER_BACKEND": "extractive"}
    extractive = generate(sample_edition.edition_date)
    expected = (extractive.lead, list(extractive.keywords))
    extractive.delete()
    composer_settings()
    llm_server.script(mode, **options)
    briefing = generate(sample_edition.edition_date)
    assert_complete(briefing)
    assert (briefing.lead, list(briefing.keywords)) == expected
    composer = composer_provenance(briefing)
    assert all(p["written_by"] == "extractive" for p in composer["parts"].values())
    assert reason in composer["parts"]["lead"]["fallback_reason"]
    assert "추출 방식 초안" in briefing.generation_notes
    assert reason in briefing.generation_notes
    assert "sk-test-secret" not in briefing.generation_notes


def test_retries_recover_from_a_few_server_errors(
    sample_edition, composer_settings, llm_server
):
    composer_settings(max_retries=2)
    llm_server.script("good", fail_first=2)
    briefing = generate(sample_edition.edition_date)
    composer = composer_provenance(briefing)
    attempts = [p.get("attempts", 1) for p in composer["parts"].values()]
    assert all(p["written_by"] == "model" for p in composer["parts"].values())
    assert sum(attempts) == 5 + 2


def test_the_circuit_breaker_stops_calling_a_dead_server(
    sample_edition, composer_settings, llm_server
):
    composer_settings(breaker_failures=2, breaker_reset=60, parallel_parts=1)
    llm_server.script("500")
    briefing = generate(sample_edition.edition_date)
    assert_complete(briefing)
    # Two parts failed with their retries (2 x 2 requests); the others failed fast.
    assert len(llm_server.log()) == 4
    reasons = [
        p["fallback_reason"] for p in composer_provenance(briefing)["parts"].values()
    ]
    assert sum("차단기" in r for r in reasons) == 3


def test_json_mode_is_dropped_for_a_server_without_it(
    sample_edition, composer_settings, llm_server
):
    composer_settings(parallel_parts=1)
    llm_server.script("no_json_mode")
    briefing = generate(sample_edition.edition_date)
    composer = composer_provenance(briefing)
    assert composer["parts"]["lead"]["written_by"] == "model"
    payloads = [entry["payload"] for entry in llm_server.log()]
    assert "response_format" in payloads[0]
    assert "response_format" not in payloads[-1]


# --- "AI로 다시 쓰기" ---------------------------------------------------------------


@pytest.fixture
def extractive_draft(sample_edition, composer_settings, settings):
    """An extractive draft (the model configured afterwards, for rewriting)."""
    settings.PRISM = {**settings.PRISM, "COMPOSER_BACKEND": "extractive"}
    briefing = generate(sample_edition.edition_date)
    composer_settings()
    return briefing


def test_rewriting_the_lead_makes_a_revision_with_provenance(
    extractive_draft, llm_server, editor
):
    from prism.services.rewrite import briefing_part_rewrite

    llm_server.script("good")
    before = extractive_draft.lead
    version = extractive_draft.version
    briefing = briefing_part_rewrite(
        briefing=extractive_draft, user=editor, base_version=version, part="lead"
    )
    briefing.refresh_from_db()
    assert briefing.version == version + 1
    assert briefing.lead != before and briefing.lead.strip()
    revision = briefing.revisions.get(number=briefing.version)
    assert revision.kind == BriefingRevision.Kind.REWRITTEN
    assert revision.author == editor
    part = revision.provenance["composer"]
    assert part["written_by"] == "model" and part["model"] == "scripted-llm"
    assert part["prompt_version"] and part["citations"]
    assert briefing.audit_events.filter(action="rewritten").exists()


def test_rewriting_never_replaces_a_persons_edit_without_asking(
    extractive_draft, llm_server, editor
):
    from prism.services.editing import PersonEditedPart
    from prism.services.rewrite import briefing_part_rewrite
    from prism.services.workflow import briefing_save_edit

    llm_server.script("good")
    briefing_save_edit(
        briefing=extractive_draft,
        user=editor,
        data={"lead": "편집자가 직접 쓴 리드다."},
        base_version=extractive_draft.version,
    )
    with pytest.raises(PersonEditedPart):
        briefing_part_rewrite(
            briefing=extractive_draft,
            user=editor,
            base_version=extractive_draft.version,
            part="lead",
        )
    extractive_draft.refresh_from_db()
    assert extractive_draft.lead == "편집자가 직접 쓴 리드다."
    briefing_part_rewrite(
        briefing=extractive_draft,
        user=editor,
        base_version=extractive_draft.version,
        part="lead",
        overwrite=True,
    )
    extractive_draft.refresh_from_db()
    assert extractive_draft.lead != "편집자가 직접 쓴 리드다."


def test_a_rewritten_section_and_summary_drop_the_fabricated_figure(
    extractive_draft, llm_server, editor
):
    from prism.services.rewrite import briefing_part_rewrite

    llm_server.script("fabricate")
    for part in ("section:1", "item:1"):
        briefing_part_rewrite(
            briefing=extractive_draft,
            user=editor,
            base_version=extractive_draft.version,
            part=part,
            overwrite=True,
        )
        revision = extractive_draft.revisions.get(number=extractive_draft.version)
        assert any(
            FABRICATED_FIGURE in f["excerpt"] for f in revision.provenance["findings"]
        )
        extractive_draft.refresh_from_db()
        assert any(
            f["check"] == "ungrounded" and f["part"] == part
            for f in extractive_draft.quality_findings
        )
    assert FABRICATED_FIGURE not in draft_text(extractive_draft)
    item = extractive_draft.items.get(rank=1)
    body = item.article.body
    cited = [s for s in item.summary_sentences if s["start"] >= 0]
    assert cited and all(body[s["start"] : s["end"]] for s in cited)


def test_a_model_that_is_down_changes_nothing_and_says_why(
    extractive_draft, llm_server, editor
):
    from prism.services.rewrite import RewriteRefused, briefing_part_rewrite

    llm_server.script("500")
    version, lead = extractive_draft.version, extractive_draft.lead
    with pytest.raises(RewriteRefused, match="HTTP 500"):
        briefing_part_rewrite(
            briefing=extractive_draft, user=editor, base_version=version, part="lead"
        )
    extractive_draft.refresh_from_db()
    assert (extractive_draft.version, extractive_draft.lead) == (version, lead)


# --- SUMMARIZER_BACKEND = "composer" -------------------------------------------------

ARTICLE_BODY = (
    "세진반도체가 북미 빅테크와 4조 8000억 원 규모의 고대역폭메모리 공급 계약을 "
    "맺었다. 국내 반도체 기업의 단일 계약으로는 최대 규모다. 회사는 청주 공장에 "
    "3조 원을 투자해 후공정 라인을 증설한다. 증설 라인은 2027년 하반기 가동이 "
    "목표다. 업계는 이번 계약이 국내 소재·장비 협력사에도 일감을 나눌 것으로 본다."
)


@pytest.mark.parametrize(
    ("mode", "generated"), [("good", True), ("fabricate", True), ("500", False)]
)
def test_the_composer_can_write_the_summaries(
    composer_settings,
    llm_server,
    settings,
    make_article,
    fresh_summarizers,
    mode,
    generated,
):
    from prism.services.summaries import article_summarize

    settings.PRISM = {**settings.PRISM, "SUMMARIZER_BACKEND": "composer"}
    llm_server.script(mode)
    article = make_article(headline="세진반도체, 4조8000억 HBM 계약", body=ARTICLE_BODY)
    summary = article_summarize(article=article)
    assert summary.backend == "composer"
    assert summary.model_name == "scripted-llm"
    assert summary.model_version.startswith("system@")
    assert FABRICATED_FIGURE not in summary.text
    assert summary.text.strip()
    if generated:
        assert summary.fallback_reason == ""
        for sentence in summary.sentences:
            assert ARTICLE_BODY[sentence["start"] : sentence["end"]]
    else:
        assert "HTTP 500" in summary.fallback_reason
    assert article_summarize(article=article).pk == summary.pk  # reused, not redone


def test_a_briefing_that_runs_out_of_time_keeps_its_extractive_parts(
    sample_edition, composer_settings, llm_server
):
    composer_settings(deadline=0.3, timeout=2, max_retries=0)
    llm_server.script("good", delay=1.0)
    briefing = generate(sample_edition.edition_date)
    assert_complete(briefing)
    parts = composer_provenance(briefing)["parts"]
    assert all(p["written_by"] == "extractive" for p in parts.values())
    assert all("시간 제한" in p["fallback_reason"] for p in parts.values())


def test_a_fault_inside_the_composer_still_leaves_the_extractive_draft(
    sample_edition, composer_settings, llm_server
):
    composer_settings(grounding_tokenizer="no-such-tagger")
    llm_server.script("good")
    briefing = generate(sample_edition.edition_date)
    assert_complete(briefing)
    composer = composer_provenance(briefing)
    assert "no-such-tagger" in composer["fallback_reason"]
    assert "AI 작성기 오류로 추출 방식 초안" in briefing.generation_notes


def test_redirects_are_not_followed(sample_edition, composer_settings, llm_server):
    composer_settings(parallel_parts=1)
    llm_server.script("redirect")
    briefing = generate(sample_edition.edition_date)
    assert_complete(briefing)
    assert not any("elsewhere" in entry["path"] for entry in llm_server.log())
    lead = composer_provenance(briefing)["parts"]["lead"]
    assert lead["written_by"] == "extractive" and "307" in lead["fallback_reason"]


def test_editors_see_each_ai_sentence_with_its_sources(
    sample_edition, composer_settings, llm_server, admin_client
):
    from django.utils.html import escape

    llm_server.script("good")
    briefing = generate(sample_edition.edition_date)
    page = admin_client.get(f"/admin/prism/briefing/{briefing.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "AI가 쓴 문장과 출처" in html
    sources = {item.article.headline for item in briefing.items.all()}
    assert any(f'title="[{escape(h)}]' in html for h in sources)
