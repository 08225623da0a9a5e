"""Cost of abstractive summaries: naive per-article generation vs PRISM's path.

A KoBART-shaped BART (d_model 768, 6+6 layers, 16 heads, FFN 3072, vocab 30,000,
1,026 positions; about 124M parameters) is built from a config with random weights
(speed does not depend on the weight values) and a BPE tokenizer is trained on the
sample corpus; both are saved with ``save_pretrained`` and loaded back through
``from_pretrained``. Both paths summarize the same 32 articles with the same
generation settings (4 beams, exactly 64 new tokens so every path does the same
work). Both use the same number of torch threads (``--threads``, default 1: on a
shared, busy 2-core machine two OpenMP threads run several times slower than one,
which would flatter PRISM; ``--threads 0`` uses every core for both):

* naive: what ``pipeline("summarization")`` did in transformers 4.x (the task was
  removed in transformers 5): one article at a time, fp32, ``generate`` under
  ``no_grad``;
* PRISM: ``TransformersSummarizer.summarize_batch`` - batches sorted by length,
  ``torch.inference_mode``, threads set, optionally int8 dynamic quantization on
  CPU - including its extractive pass (tagging for keywords and the fallback).

    .venv/bin/python bench/abstractive_cost.py [--articles 32] [--device auto]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.summarize_speed import articles  # noqa: E402

GENERATION = {
    "num_beams": 4,
    "max_length": 65,
    "min_length": 65,
    "no_repeat_ngram_size": 3,
    "repetition_penalty": 1.2,
}
SPECIAL_TOKENS = ["<s>", "</s>", "<usr>", "<pad>", "<sys>", "<unk>", "<mask>"]
# KoBART's special tokens, by role (not secrets, whatever a linter may think).
ROLES = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "pad_token": "<pad>",
    "unk_token": "<unk>",
    "mask_token": "<mask>",
}


def build_model(directory: Path, texts: list[str]) -> dict[str, object]:
    """Train a BPE tokenizer and save a randomly initialised KoBART-sized BART."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import (
        BartConfig,
        BartForConditionalGeneration,
        PreTrainedTokenizerFast,
    )

    bpe = Tokenizer(models.BPE(unk_token=ROLES["unk_token"]))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace()
    bpe.decoder = decoders.Metaspace()
    bpe.train_from_iterator(
        texts, trainers.BpeTrainer(vocab_size=30000, special_tokens=SPECIAL_TOKENS)
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, model_max_length=1024, **ROLES
    )
    config = BartConfig(
        vocab_size=30000,
        d_model=768,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=16,
        decoder_attention_heads=16,
        encoder_ffn_dim=3072,
        decoder_ffn_dim=3072,
        max_position_embeddings=1026,
        pad_token_id=3,
        bos_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=1,
        forced_eos_token_id=1,
    )
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return {
        "parameters": sum(p.numel() for p in model.parameters()),
        "tokenizer_vocabulary": len(tokenizer),
    }


def naive(
    directory: Path, bodies: list[str], device: str, threads: int
) -> dict[str, float]:
    """One article at a time, as the summarization pipeline of transformers 4.x."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(threads)
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForSeq2SeqLM.from_pretrained(directory).to(device).eval()
    loaded = time.perf_counter()
    for body in bodies:
        inputs = tokenizer(body, return_tensors="pt", truncation=True, max_length=1024)
        inputs.pop("token_type_ids", None)
        with torch.no_grad():
            output = model.generate(**inputs.to(device), **GENERATION)
        tokenizer.batch_decode(output, skip_special_tokens=True)
    return {"load_s": loaded - started, "summarize_s": time.perf_counter() - loaded}


def prism(
    directory: Path, docs: list[tuple[str, str]], device: str, **options: object
) -> dict[str, float]:
    """PRISM's path: batched, inference mode, threads, optional int8."""
    from prism.nlp.abstractive import TransformersSummarizer

    started = time.perf_counter()
    summarizer = TransformersSummarizer(
        model=str(directory), device=device, **options, **GENERATION
    )
    summarizer.load()
    summarizer.extractive.summarize("워밍업", "형태소 분석기를 미리 띄운다.")
    loaded = time.perf_counter()
    summaries = summarizer.summarize_batch(docs)
    finished = time.perf_counter()
    return {
        "load_s": loaded - started,
        "summarize_s": finished - loaded,
        "generate_calls": summarizer.generate_calls,
        "fallbacks": sum(1 for s in summaries if s.fallback_reason),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=32)
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads for both paths (1: stable on a shared machine)",
    )
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import torch

    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    docs = articles()[: args.articles]
    bodies = [body for _, body in docs]
    threads = args.threads if args.threads > 0 else os.cpu_count() or 1
    results: dict[str, object] = {"device": device, "threads": threads}
    with tempfile.TemporaryDirectory(prefix="kobart-shaped-") as tmp:
        directory = Path(tmp)
        results["model"] = build_model(
            directory, [text for doc in articles() for text in doc]
        )
        runs = {
            "naive per-article (pipeline-style)": lambda: naive(
                directory, bodies, device, threads
            ),
            "PRISM batched, inference_mode, fp32": lambda: prism(
                directory, docs, device, batch_size=args.batch_size, num_threads=threads
            ),
        }
        if device == "cpu":
            runs["PRISM batched, inference_mode, int8"] = lambda: prism(
                directory,
                docs,
                device,
                batch_size=args.batch_size,
                num_threads=threads,
                quantize=True,
            )
        for name, run in runs.items():
            results[name] = run()
            print(f"{name}: {results[name]}", file=sys.stderr)
    print_table(results, len(docs))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def print_table(results: dict[str, object], count: int) -> None:
    model = results["model"]
    print(
        f"{count} articles, {results['device']} ({results['threads']} threads), "
        f"BART {model['parameters'] / 1e6:.0f}M parameters, "
        f"tokenizer vocabulary {model['tokenizer_vocabulary']}\n"
    )
    print("| path | load s | summarize s | articles/s | speed-up |")
    print("|---|---:|---:|---:|---:|")
    naive_time = results["naive per-article (pipeline-style)"]["summarize_s"]
    for name, run in results.items():
        if not isinstance(run, dict) or "summarize_s" not in run:
            continue
        seconds = run["summarize_s"]
        print(
            f"| {name} | {run['load_s']:.1f} | {seconds:.1f} | {count / seconds:.2f} "
            f"| {naive_time / seconds:.2f}x |"
        )


if __name__ == "__main__":
    main()
