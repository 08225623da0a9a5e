"""The transformers composer with a tiny causal LM the test builds and saves itself.

Its weights are random, so it writes gibberish: the safety net under test is the
grounding check, which must reject every part and leave the extractive draft.
"""

from __future__ import annotations

import pytest

from prism.composers.base import ComposerRequest, clear_composers, get_composer
from prism.models import BriefingRevision, ReaderType
from prism.services.generation import briefing_generate

TEXTS = [
    "한국은행이 기준금리를 연 2.50%에서 2.25%로 0.25%포인트 내렸다.",
    "세진반도체가 북미 빅테크와 4조 8000억 원 규모의 공급 계약을 맺었다.",
    "정부가 소상공인 배달비와 카드수수료를 최대 50만 원까지 지원한다.",
    '{"paragraphs": ["문단"], "heading": "제목", "body": "본문"}',
]


@pytest.fixture(scope="session")
def tiny_causal_lm(tmp_path_factory):
    """A 1-layer GPT-2 with its own Korean BPE tokenizer, saved with save_pretrained."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace()
    bpe.decoder = decoders.Metaspace()
    bpe.train_from_iterator(
        TEXTS * 3,
        trainers.BpeTrainer(vocab_size=300, special_tokens=["<unk>", "<pad>", "</s>"]),
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        unk_token="<unk>",
        pad_token="<pad>",
        eos_token="</s>",
        model_max_length=512,
    )
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=512,
        n_embd=32,
        n_layer=1,
        n_head=2,
        bos_token_id=2,
        eos_token_id=2,
        pad_token_id=1,
    )
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config)
    path = tmp_path_factory.mktemp("tiny-causal-lm")
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture
def local_composer(settings, tiny_causal_lm):
    clear_composers()
    settings.PRISM = {
        **getattr(settings, "PRISM", {}),
        "COMPOSER_BACKEND": "transformers",
        "COMPOSER_OPTIONS": {
            "model": str(tiny_causal_lm),
            "max_new_tokens": 24,
            "max_input_tokens": 256,
            "num_threads": 1,
        },
    }
    yield
    clear_composers()


def test_the_model_loads_lazily_and_generates(tiny_causal_lm):
    composer = get_composer("transformers", model=str(tiny_causal_lm), max_new_tokens=8)
    assert composer._model is None
    reply = composer.complete(
        ComposerRequest(
            part="lead", system="시스템", prompt="한국은행 기준금리", max_tokens=8
        )
    )
    assert composer._model is not None
    assert reply.tokens_in > 0 and 0 < reply.tokens_out <= 8
    assert reply.model == str(tiny_causal_lm)
    clear_composers()


def test_gibberish_is_rejected_and_the_extractive_draft_stays(
    sample_edition, local_composer, settings
):
    reader_type = ReaderType.objects.get(slug="ceo")
    settings.PRISM = {**settings.PRISM, "COMPOSER_BACKEND": "extractive"}
    extractive = briefing_generate(
        reader_type=reader_type, edition_date=sample_edition.edition_date
    ).briefing
    expected = (
        extractive.lead,
        list(extractive.keywords),
        [(s.heading, s.body) for s in extractive.sections.all()],
    )
    extractive.delete()
    settings.PRISM = {**settings.PRISM, "COMPOSER_BACKEND": "transformers"}
    briefing = briefing_generate(
        reader_type=reader_type, edition_date=sample_edition.edition_date
    ).briefing
    assert (
        briefing.lead,
        list(briefing.keywords),
        [(s.heading, s.body) for s in briefing.sections.all()],
    ) == expected
    composer = briefing.revisions.get(kind=BriefingRevision.Kind.GENERATED).provenance[
        "composer"
    ]
    assert composer["backend"] == "transformers"
    parts = composer["parts"]
    assert set(parts) == {"lead", "section:1", "section:2", "section:3", "keywords"}
    assert all(p["written_by"] == "extractive" for p in parts.values())
    assert all(p["tokens_out"] > 0 for p in parts.values())  # it did generate
    assert all(p["fallback_reason"] for p in parts.values())
    assert "추출 방식 초안" in briefing.generation_notes
