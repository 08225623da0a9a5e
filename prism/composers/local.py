"""A composer running a transformers causal language model inside the worker.

The model named by the ``model`` option (a local directory or a hub id) is loaded
on first use, once per process, never at import time: a django-q2 cluster forks its
workers and a torch runtime started before the fork can deadlock in the children.
Generation is serialised per process (one model, one request at a time). Tokenizers
with a chat template get the system and user messages through it; others get both
as plain text. Only the newly generated tokens are returned.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from prism.composers.base import (
    ComposerConfigurationError,
    ComposerError,
    ComposerReply,
    ComposerRequest,
)

logger = logging.getLogger(__name__)


class TransformersComposer:
    """Options: ``model``, ``device`` ("auto", "cpu", "cuda"), ``num_threads``,
    ``max_new_tokens``, ``temperature`` (0: greedy), ``max_input_tokens``,
    ``revision``, ``local_files_only``."""

    backend = "transformers"

    def __init__(
        self,
        model: str = "",
        device: str = "auto",
        num_threads: int = 0,
        max_new_tokens: int = 256,
        temperature: float = 0.0,
        max_input_tokens: int = 2048,
        revision: str | None = None,
        local_files_only: bool | None = None,
        **ignored: Any,
    ) -> None:
        if not model:
            raise ComposerConfigurationError(
                "The transformers composer needs a model: set PRISM['COMPOSER_OPTIONS']"
                "['model'] (or PRISM_COMPOSER_MODEL) to a directory written by "
                "save_pretrained() or a hub id of a causal LM."
            )
        self.model_name = str(model)
        self.device_option = device
        self.num_threads = int(num_threads or 0)
        self.max_new_tokens = int(max_new_tokens)
        self.temperature = float(temperature)
        self.max_input_tokens = int(max_input_tokens)
        self.revision = revision
        self.local_files_only = local_files_only
        self._lock = threading.Lock()
        self._loaded_pid: int | None = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._device: Any = None

    def load(self) -> None:
        """Load tokenizer and model once per process (after any fork)."""
        if self._model is not None and self._loaded_pid == os.getpid():
            return
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        path = Path(self.model_name).expanduser()
        local = path.exists()
        options: dict[str, Any] = {"revision": self.revision}
        if self.local_files_only is not None or local:
            options["local_files_only"] = (
                True if self.local_files_only is None else self.local_files_only
            )
        source = str(path) if local else self.model_name
        try:
            # The revision is pinned through options (COMPOSER_OPTIONS["revision"]).
            tokenizer = AutoTokenizer.from_pretrained(source, **options)  # nosec B615
            model = AutoModelForCausalLM.from_pretrained(source, **options)  # nosec B615
        except Exception as exc:
            raise ComposerError(
                f"로컬 모델을 불러오지 못함({self.model_name}): {type(exc).__name__}"
            ) from exc
        choice = (self.device_option or "auto").lower()
        if choice == "auto":
            choice = "cuda" if torch.cuda.is_available() else "cpu"
        self._device = torch.device(choice)
        model.eval()
        # A long prompt loses its beginning (articles), never the instructions.
        tokenizer.truncation_side = "left"
        self._model, self._tokenizer = model.to(self._device), tokenizer
        self._loaded_pid = os.getpid()
        logger.info("Loaded composer model %s on %s", self.model_name, self._device)

    def complete(self, request: ComposerRequest) -> ComposerReply:
        started = time.monotonic()
        with self._lock:
            self.load()
            try:
                text, tokens_in, tokens_out = self._generate(request)
            except ComposerError:
                raise
            except Exception as exc:  # noqa: BLE001 - any model fault is a fallback
                raise ComposerError(f"생성 오류: {type(exc).__name__}: {exc}") from exc
        return ComposerReply(
            text=text,
            model=self.model_name,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            seconds=round(time.monotonic() - started, 3),
        )

    def _generate(self, request: ComposerRequest) -> tuple[str, int, int]:
        import torch

        tokenizer = self._tokenizer
        messages = [
            {"role": "system", "content": request.system},
            {"role": "user", "content": request.prompt},
        ]
        if getattr(tokenizer, "chat_template", None):
            prompt = tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
        else:
            prompt = f"{request.system}\n\n{request.prompt}\n\n"
        encoded = tokenizer(
            prompt,
            return_tensors="pt",
            truncation=True,
            max_length=self.max_input_tokens,
        )
        encoded.pop("token_type_ids", None)
        encoded = {key: value.to(self._device) for key, value in encoded.items()}
        settings: dict[str, Any] = {
            "max_new_tokens": min(self.max_new_tokens, request.max_tokens),
            "do_sample": self.temperature > 0,
            "pad_token_id": tokenizer.pad_token_id
            if tokenizer.pad_token_id is not None
            else tokenizer.eos_token_id,
        }
        if self.temperature > 0:
            settings["temperature"] = self.temperature
        with torch.inference_mode():
            output = self._model.generate(**encoded, **settings)
        prompt_length = encoded["input_ids"].shape[1]
        new_tokens = output[0][prompt_length:]
        text = tokenizer.decode(new_tokens, skip_special_tokens=True)
        return text, int(prompt_length), int(new_tokens.shape[0])
