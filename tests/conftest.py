"""Shared fixtures: small factories for PRISM's models."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from prism.models import Briefing, ReaderType
from tests.helpers.browser import CHROMIUM
from tests.helpers.factories import NUMBERS, article_create, briefing_create


@pytest.fixture
def make_article(db):
    """Create an Article with sensible defaults; pass fields to override."""
    return article_create


@pytest.fixture
def fast_passwords(settings):
    """MD5 password hashing: for modules whose tests log many users in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cms_client(db):
    """The host CMS: a non-staff service account with a token and add_article."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user = get_user_model().objects.create_user("cms-bot", password="x-unused-9")
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    return client


@pytest.fixture
def reader_type(db) -> ReaderType:
    """The CEO reader type created by the data migration."""
    return ReaderType.objects.get(slug="ceo")


@pytest.fixture
def make_briefing(db, reader_type):
    """Create a complete briefing (3 sections, 6 items) in the given status."""

    def factory(status: str = Briefing.Status.DRAFT, **fields) -> Briefing:
        fields.setdefault("reader_type", reader_type)
        return briefing_create(status=status, **fields)

    return factory


@pytest.fixture(autouse=True)
def _login_throttling_only_where_tested(request, settings):
    """Django's test client logs in without a request, which django-axes refuses;
    tests of login throttling itself carry the ``axes`` marker and keep it on."""
    if request.node.get_closest_marker("axes") is None:
        settings.AXES_ENABLED = False


INGEST_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


@pytest.fixture
def ingest_fixtures() -> Path:
    """The folder of small input files (every format, nasty ones too) for ingestion."""
    return INGEST_FIXTURES


class _FixtureRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serves tests/fixtures/ingest; under /nolength/ without a Content-Length."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(INGEST_FIXTURES), **kwargs)

    def do_GET(self):
        if not self.path.startswith("/nolength/"):
            return super().do_GET()
        path = INGEST_FIXTURES / self.path.removeprefix("/nolength/")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write(path.read_bytes())
        return None

    def log_message(self, format, *args):  # keep test output quiet
        return None


@pytest.fixture
def ingest_server():
    """A real local HTTP server for the ingest fixtures; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FixtureRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


# --- Site and API (roles as the site sees them) -------------------------------------

SITE_ROLES = ("anonymous", "subscriber", "editor", "chief_editor")


@pytest.fixture
def make_role_user(db):
    """A user for a role: ``subscriber`` (follows CEO), ``editor``, ``chief_editor``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from prism.models import Subscriber

    groups = {
        "subscriber": (),
        "editor": ("Editors",),
        "chief_editor": ("Editors", "Chief editors"),
    }

    def factory(role: str, **fields):
        number = next(NUMBERS)
        username = fields.pop("username", f"{role}{number}@example.com")
        user = get_user_model().objects.create_user(
            username=username,
            email=fields.pop("email", username),
            # Hashing a password costs ~0.3 s; only tests that log in with one pay it.
            password=fields.pop("password", None),
            is_staff=role != "subscriber",
            **fields,
        )
        user.groups.set(Group.objects.filter(name__in=groups[role]))
        subscriber = Subscriber.objects.create(user=user)
        if role == "subscriber":
            subscriber.reader_types.set(ReaderType.objects.filter(slug="ceo"))
        return user

    return factory


@pytest.fixture
def editor(make_role_user):
    return make_role_user("editor")


@pytest.fixture
def chief(make_role_user):
    return make_role_user("chief_editor")


@pytest.fixture
def generated(make_briefing):
    """A complete draft as the generator leaves it: version 1, one AI revision."""
    from prism.services.revisions import revision_create

    def factory(**fields):
        briefing = make_briefing(**fields)
        revision_create(
            briefing=briefing,
            kind="generated",
            provenance={"backend": "extractive", "model": "", "run": 1},
        )
        return briefing

    return factory


@dataclass(frozen=True)
class SampleEdition:
    """The sample corpus, imported so that ``edition_date`` is a past morning."""

    edition_date: dt.date
    newest_day: dt.date


@pytest.fixture
def sample_edition(db) -> SampleEdition:
    """Import the sample corpus; its newest day is the eve of the edition.

    The edition date lies in the past, so its candidate window (36 h up to 06:00 on
    the edition date) does not depend on the wall clock.
    """
    from prism.services.demo import demo_corpus_import

    newest = timezone.localdate() - dt.timedelta(days=3)
    demo_corpus_import(edition_date=newest)
    return SampleEdition(edition_date=newest + dt.timedelta(days=1), newest_day=newest)


# ------------------------------------------------------------ summarization models

TINY_MODEL_SUMMARY = (
    "한국은행이 기준금리를 연 2.25%로 내렸다. 시장은 추가 인하 가능성에 주목하고 있다."
)
TINY_MODEL_TEXTS = [
    "한국은행이 기준금리를 연 2.50%에서 2.25%로 0.25%포인트 내렸다. 내수 회복을 "
    "뒷받침하기 위한 결정이다. 시장은 추가 인하 가능성에 주목하고 있다.",
    "세진반도체가 북미 빅테크와 4조 8000억 원 규모의 고대역폭메모리 공급 계약을 "
    "맺었다. 국내 반도체 기업의 단일 계약으로는 최대 규모다.",
    "정부가 소상공인 배달비와 카드수수료를 최대 50만 원까지 지원한다. 3조 원 규모의 "
    "저금리 대환대출도 공급한다.",
]


@dataclass(frozen=True)
class TinyModel:
    """A saved seq2seq model directory and the summary it was trained to write."""

    path: Path
    summary: str


@pytest.fixture(scope="session")
def tiny_seq2seq_model(tmp_path_factory) -> TinyModel:
    """A tiny BART with its own Korean BPE tokenizer, saved with save_pretrained.

    It is trained for a few steps to write ``TINY_MODEL_SUMMARY`` for any input, so
    tests see real generation through the real ``from_pretrained`` loading path.
    """
    import torch
    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import (
        BartConfig,
        BartForConditionalGeneration,
        PreTrainedTokenizerFast,
    )

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace()
    bpe.decoder = decoders.Metaspace()
    bpe.train_from_iterator(
        [*TINY_MODEL_TEXTS, TINY_MODEL_SUMMARY] * 3,
        trainers.BpeTrainer(vocab_size=500, special_tokens=specials),
    )
    bpe.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<s>",
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        mask_token="<mask>",
        model_max_length=128,
    )
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=128,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
    )
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model trains fastest on one thread
    try:
        torch.manual_seed(0)
        model = BartForConditionalGeneration(config)
        inputs = tokenizer(TINY_MODEL_TEXTS, return_tensors="pt", padding=True)
        labels = tokenizer(
            [TINY_MODEL_SUMMARY] * len(TINY_MODEL_TEXTS), return_tensors="pt"
        )["input_ids"]
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
        model.train()
        for _ in range(120):
            loss = model(**inputs, labels=labels).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    finally:
        torch.set_num_threads(threads)
    path = tmp_path_factory.mktemp("tiny-kobart")
    model.eval()
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return TinyModel(path, TINY_MODEL_SUMMARY)


@pytest.fixture(scope="session")
def silent_seq2seq_model(tiny_seq2seq_model, tmp_path_factory) -> TinyModel:
    """The tiny model with its output bias forcing end-of-sequence: empty output."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_seq2seq_model.path)
    with torch.no_grad():
        model.final_logits_bias[0, model.config.eos_token_id] = 1e4
    path = tmp_path_factory.mktemp("silent-kobart")
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny_seq2seq_model.path).save_pretrained(path)
    return TinyModel(path, "")


@pytest.fixture
def fresh_summarizers():
    """Forget summarizers cached per process, before and after the test."""
    from prism.nlp.summarize import clear_summarizers

    clear_summarizers()
    yield
    clear_summarizers()


# --- Transactional tests (live_server, threads): data migrations' rows ----------------


@pytest.fixture(autouse=True)
def _migration_data_in_transactional_tests(request):
    """A transactional test starts after another one flushed the database, rows made
    by data migrations included (reader types, editorial groups): put them back.

    Re-runs those migrations' own functions on the migration state, which are
    idempotent; ``serialized_rollback`` is avoided on purpose, as it collides with
    the content types a plain flush recreates.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker
        and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state_apps = MigrationLoader(connection).project_state().apps
    for module, function in [
        ("prism.migrations.0002_default_reader_types", "create_reader_types"),
        ("prism.migrations.0003_editorial_groups", "create_groups"),
    ]:
        getattr(importlib.import_module(module), function)(state_apps, None)


@pytest.fixture
def task_queue(db):
    """django-q2's queue, whatever the broker (ORM or Redis): emptied before the
    test; call it to take everything enqueued since, in order, as task dicts."""
    from django_q.brokers import get_broker
    from django_q.signing import SignedPackage

    broker = get_broker()
    broker.purge_queue()

    def take() -> list[dict]:
        taken = []
        while batch := broker.dequeue():
            for ack_id, payload in batch:
                taken.append(SignedPackage.loads(payload))
                broker.acknowledge(ack_id)
        return taken

    return take


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()
            # With the event loop running, Django keeps this context's database
            # connections apart from the thread's: close them here, or PostgreSQL
            # refuses to drop the test database ("accessed by other users").
            from django.db import connections

            connections.close_all()
