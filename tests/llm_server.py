"""A scripted OpenAI-compatible chat-completions server, run as its own process.

    python tests/llm_server.py [--port 0] [--delay SECONDS]

prints ``PORT <n>`` once it listens. ``POST /_mode`` with ``{"mode": ..., "delay":
seconds, "fail_first": n}`` changes how it answers; ``GET /_log`` returns the
requests it received (path, headers, payload). Modes:

- ``good``: answers built from the prompt's own article sentences (grounded);
- ``paraphrase``: the same, each sentence reworded at its end (no verbatim quote);
- ``fabricate``: good, plus the sentence "이 회사의 매출은 9999조 원으로 집계됐다.";
- ``entity``: good, plus a sentence naming a company no article mentions;
- ``gibberish``: fluent-looking Korean that no article supports;
- ``malformed``: a JSON object cut off mid-string;
- ``timeout``: waits ``delay`` seconds (longer than the client's timeout), then good;
- ``429`` / ``500``: that status (429 with ``Retry-After: 0``);
- ``redirect``: 307 to another path (a client must not follow it);
- ``no_json_mode``: 400 naming response_format while the request asks for JSON mode.

``fail_first`` n answers the first n requests with 500, then with the mode.
"""

from __future__ import annotations

import argparse
import http.server
import json
import re
import sys
import threading
import time

FABRICATED = "이 회사의 매출은 9999조 원으로 집계됐다."
INVENTED_ENTITY = "한편 가온누리중공업도 같은 날 대규모 설비 계약을 따냈다."
GIBBERISH = (
    "구름 위의 바다가 노래하며 시간의 문이 열렸다. 별빛 도서관은 내일의 비를 "
    "모아 두었다. 파란 기차가 꿈속 정원을 지나 조용히 웃었다."
)

state = {"mode": "good", "delay": 0.0, "fail_first": 0, "count": 0, "log": []}
lock = threading.Lock()


def article_sentences(prompt: str) -> list[list[str]]:
    """Sentences of each "본문:" line in the prompt, per article."""
    articles = []
    for line in prompt.splitlines():
        if line.startswith("본문:"):
            text = line.removeprefix("본문:").strip()
            sentences = [s.strip() for s in re.split(r"(?<=다\.)\s+", text)]
            articles.append([s for s in sentences if s.endswith("다.")])
    return articles


def paraphrased(answer: dict) -> dict:
    """Source sentences reworded at the end, so no answer is a verbatim quote."""

    def reword(sentence: str) -> str:
        return re.sub(r"다\.$", "다고 전해졌다.", sentence)

    result = {}
    for key, value in answer.items():
        if key in ("paragraphs", "sentences"):
            result[key] = [
                " ".join(reword(s) for s in re.split(r"(?<=다\.)\s+", v)) for v in value
            ]
        elif key == "body":
            result[key] = " ".join(reword(s) for s in re.split(r"(?<=다\.)\s+", value))
        else:
            result[key] = value
    return result


def headlines(prompt: str) -> list[str]:
    return [
        re.sub(r"^\[기사 \d+\]\s*", "", line)
        for line in prompt.splitlines()
        if line.startswith("[기사 ")
    ]


def good_answer(prompt: str, extra: str = "") -> dict:
    articles = [a for a in article_sentences(prompt) if a]
    if '"paragraphs"' in prompt:
        paragraphs = [" ".join(a[:2]) for a in articles[:3]]
        if extra and paragraphs:
            paragraphs[0] = f"{paragraphs[0]} {extra}"
        return {"paragraphs": paragraphs}
    if '"heading"' in prompt:
        sentences = [s for a in articles for s in a[1:4]][:4]
        if extra:
            sentences.insert(1, extra)
        words = (headlines(prompt) or ["오늘의 주제"])[0].split()
        heading = " ".join(w.strip("‘’“”…,") for w in words[:3])
        return {"heading": heading, "body": " ".join(sentences)}
    if '"keywords"' in prompt:
        words = []
        for headline in headlines(prompt):
            for word in re.findall(r"[가-힣A-Za-z0-9]{2,}", headline):
                if word not in words:
                    words.append(word)
        return {"keywords": words[:5] + (["가온누리중공업"] if extra else [])}
    sentences = (articles[0] if articles else [])[:3]
    if extra:
        sentences = [*sentences[:2], extra]
    return {"sentences": sentences}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        return None

    def _send(self, status: int, body: object, headers: dict | None = None) -> None:
        data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        raw = data.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        if self.path == "/_log":
            with lock:
                return self._send(200, state["log"])
        return self._send(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        if self.path == "/_mode":
            with lock:
                state.update(payload)
                state["count"] = 0
                if payload.get("clear_log", True):
                    state["log"] = []
            return self._send(200, {"ok": True})
        if not self.path.endswith("/chat/completions"):
            return self._send(404, {"error": "not found"})
        with lock:
            state["count"] += 1
            count = state["count"]
            mode, delay, fail_first = state["mode"], state["delay"], state["fail_first"]
            state["log"].append(
                {"path": self.path, "headers": dict(self.headers), "payload": payload}
            )
        if delay:
            time.sleep(float(delay))
        if count <= int(fail_first):
            return self._send(500, {"error": {"message": "scripted failure"}})
        if mode == "redirect":
            host = self.headers.get("Host", "127.0.0.1")
            location = f"http://{host}/elsewhere/v1/chat/completions"
            return self._send(307, {"error": "moved"}, {"Location": location})
        if mode == "429":
            return self._send(429, {"error": "slow down"}, {"Retry-After": "0"})
        if mode == "500":
            return self._send(500, {"error": {"message": "boom"}})
        if mode == "no_json_mode" and payload.get("response_format"):
            return self._send(
                400, {"error": {"message": "response_format is not supported"}}
            )
        prompt = payload["messages"][-1]["content"]
        if mode == "malformed":
            content = '{"paragraphs": ["한국은행이 기준금리를 '
        elif mode == "gibberish":
            content = json.dumps(
                {
                    "paragraphs": [GIBBERISH],
                    "heading": "별빛 정원",
                    "body": GIBBERISH,
                    "keywords": ["구름바다", "별빛"],
                    "sentences": [GIBBERISH],
                },
                ensure_ascii=False,
            )
        else:
            extra = {"fabricate": FABRICATED, "entity": INVENTED_ENTITY}.get(mode, "")
            answer = good_answer(prompt, extra)
            if mode == "paraphrase":
                answer = paraphrased(answer)
            content = json.dumps(answer, ensure_ascii=False)
        self._send(
            200,
            {
                "id": f"chatcmpl-{count}",
                "object": "chat.completion",
                "model": payload.get("model", "scripted"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": len(prompt) // 2,
                    "completion_tokens": len(content) // 2,
                    "total_tokens": (len(prompt) + len(content)) // 2,
                },
            },
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--mode", default="good")
    args = parser.parse_args()
    state.update(delay=args.delay, mode=args.mode)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
