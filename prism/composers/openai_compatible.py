"""A composer for any OpenAI-compatible chat-completions server.

vLLM, Ollama, llama.cpp's server, LM Studio and the commercial APIs all answer
``POST {base_url}/chat/completions``. Requests go to the configured URL only: the
URL is validated (http/https, a host, no credentials, query or fragment), redirects
are refused and proxies from the environment are not used. The API key (option
``api_key`` or the environment variable ``PRISM_COMPOSER_API_KEY``) is sent as a
bearer token and never logged or shown in errors.

Faults: each request has a timeout; timeouts, connection errors, 429 and 5xx are
retried up to ``max_retries`` times with exponential backoff and jitter (a 429's
``Retry-After`` is honoured up to ``max_backoff``); other 4xx fail at once. A 400
that names ``response_format`` switches JSON mode off for this server and retries.
Requests wait for a slot of the concurrency cap; the circuit breaker fails them at
once after ``breaker_failures`` requests in a row failed for good.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import random
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from prism.composers.base import (
    ComposerConfigurationError,
    ComposerError,
    ComposerReply,
    ComposerRequest,
    ComposerUnavailable,
)
from prism.composers.limits import CircuitBreaker, ConcurrencyCap, slot_directory

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
JSON_MODES = ("json_schema", "json_object", "none")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        raise urllib.error.HTTPError(
            req.full_url, code, f"redirect to another URL refused ({code})", headers, fp
        )


def validate_base_url(url: str) -> str:
    """``url`` without a trailing slash, or ComposerConfigurationError saying why."""
    url = (url or "").strip()
    if not url:
        raise ComposerConfigurationError(
            "The openai composer needs a server: set PRISM['COMPOSER_OPTIONS']"
            "['base_url'] (or PRISM_COMPOSER_BASE_URL), e.g. http://127.0.0.1:8001/v1"
        )
    parts = urlsplit(url)
    problems = []
    if parts.scheme not in ("http", "https"):
        problems.append("the scheme must be http or https")
    if not parts.hostname:
        problems.append("it has no host")
    if parts.username or parts.password:
        problems.append("credentials belong in api_key, not in the URL")
    if parts.query or parts.fragment:
        problems.append("it may not have a query or fragment")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        problems.append("its port is not a number")
    if problems:
        # The URL itself is shown without anything after the host (no secrets).
        shown = f"{parts.scheme}://{parts.hostname or ''}"
        raise ComposerConfigurationError(
            f"Invalid composer base_url {shown!r}: " + "; ".join(problems) + "."
        )
    return url.rstrip("/")


class OpenAICompatibleComposer:
    """Chat completions over HTTP with retries, a concurrency cap and a breaker.

    Options (``PRISM["COMPOSER_OPTIONS"]``): ``base_url``, ``model``, ``api_key``,
    ``timeout`` (seconds per request), ``max_retries``, ``backoff`` (first wait),
    ``max_backoff``, ``concurrency`` (requests at once across all workers of the
    host), ``slot_wait`` (how long a request waits for a slot), ``lock_dir``,
    ``breaker_failures``, ``breaker_reset`` (seconds), ``json_mode``
    ("json_schema", "json_object" or "none"), ``temperature``, ``max_tokens``.
    """

    backend = "openai"

    def __init__(
        self,
        base_url: str = "",
        model: str = "",
        api_key: str = "",
        timeout: float = 60.0,
        max_retries: int = 2,
        backoff: float = 1.0,
        max_backoff: float = 20.0,
        concurrency: int = 8,
        slot_wait: float = 120.0,
        lock_dir: str | None = None,
        breaker_failures: int = 5,
        breaker_reset: float = 60.0,
        json_mode: str = "json_object",
        temperature: float = 0.2,
        max_tokens: int = 0,
        **ignored: Any,
    ) -> None:
        self.base_url = validate_base_url(base_url)
        self.model_name = model or os.environ.get("PRISM_COMPOSER_MODEL", "")
        if not self.model_name:
            raise ComposerConfigurationError(
                "The openai composer needs a model name: set PRISM['COMPOSER_OPTIONS']"
                "['model'] (or PRISM_COMPOSER_MODEL)."
            )
        self._api_key = api_key or os.environ.get("PRISM_COMPOSER_API_KEY", "")
        self.timeout = float(timeout)
        self.max_retries = max(0, int(max_retries))
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        if json_mode not in JSON_MODES:
            raise ComposerConfigurationError(
                f"json_mode must be one of {', '.join(JSON_MODES)}, not {json_mode!r}"
            )
        self.json_mode = json_mode
        self.temperature = float(temperature)
        self.max_tokens = int(max_tokens or 0)
        directory = slot_directory(f"{self.base_url}|{self.model_name}", lock_dir)
        self.cap = ConcurrencyCap(concurrency, directory, wait_seconds=slot_wait)
        self.breaker = CircuitBreaker(breaker_failures, breaker_reset, directory)
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), _NoRedirect()
        )

    def __repr__(self) -> str:  # never the key
        return f"<OpenAICompatibleComposer {self.base_url} model={self.model_name}>"

    # ------------------------------------------------------------------ requests

    def complete(self, request: ComposerRequest) -> ComposerReply:
        """Answer ``request``, retrying what can be retried; ComposerError if not."""
        self.breaker.check()
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.cap.slot():
                    data = self._post(self._payload(request))
            except _Retryable as exc:
                if attempt > self.max_retries:
                    self.breaker.failure()
                    raise ComposerError(f"{exc} ({attempt}번 시도)") from None
                time.sleep(self._wait(attempt, exc.retry_after))
                continue
            except _JsonModeRejected:
                logger.info("%s rejects response_format; retrying without", self)
                self.json_mode = "none"
                continue
            except ComposerUnavailable:
                raise
            except ComposerError:
                self.breaker.failure()
                raise
            self.breaker.success()
            return self._reply(data, attempt, time.monotonic() - started)

    def _payload(self, request: ComposerRequest) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.model_name,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.prompt},
            ],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens or request.max_tokens,
            "stream": False,
        }
        if self.json_mode == "json_schema" and request.schema:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "part", "schema": request.schema},
            }
        elif self.json_mode in ("json_object", "json_schema"):
            payload["response_format"] = {"type": "json_object"}
        return payload

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(  # noqa: S310 - scheme validated above
            f"{self.base_url}/chat/completions",
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers=headers,
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc)
            if exc.code == 400 and "response_format" in detail:
                if payload.get("response_format"):
                    raise _JsonModeRejected() from None
            if exc.code in RETRY_STATUSES:
                raise _Retryable(
                    f"HTTP {exc.code}", _retry_after(exc.headers.get("Retry-After"))
                ) from None
            raise ComposerError(f"HTTP {exc.code}: {detail[:200]}") from None
        except TimeoutError:
            raise _Retryable(f"응답 시간 초과({self.timeout:g}초)") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise _Retryable(f"응답 시간 초과({self.timeout:g}초)") from None
            raise _Retryable(f"연결 오류: {type(reason).__name__}") from None
        try:
            data = json.loads(body)
        except ValueError:
            raise ComposerError("서버 응답이 JSON이 아님") from None
        if not isinstance(data, dict):
            raise ComposerError("서버 응답 형식이 chat completions가 아님")
        return data

    def _reply(self, data: dict[str, Any], attempts: int, seconds: float):
        try:
            message = data["choices"][0]["message"]
            text = message.get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError):
            raise ComposerError("서버 응답에 choices[0].message가 없음") from None
        usage = data.get("usage") or {}
        return ComposerReply(
            text=str(text),
            model=str(data.get("model") or self.model_name),
            tokens_in=int(usage.get("prompt_tokens") or 0),
            tokens_out=int(usage.get("completion_tokens") or 0),
            seconds=round(seconds, 3),
            attempts=attempts,
        )

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(self.max_backoff, max(0.0, retry_after))
        base = self.backoff * (2 ** (attempt - 1))
        return min(self.max_backoff, base * (0.5 + random.random()))  # nosec B311


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _JsonModeRejected(Exception):
    pass


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the status is enough
        return ""
