"""The API's JSON parser: its own size limit, and every bad body a 400 in JSON.

DRF's ``JSONParser`` reads ``request.body``, so Django's site-wide
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB, sized for forms) would cap an article
push far below 500 long articles, and its error is Django's HTML 400 page. This
parser reads the stream itself, up to ``PRISM["API_MAX_REQUEST_BYTES"]``.
"""

from __future__ import annotations

import json

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

from prism.conf import prism_settings

# No PRISM request needs more than a few levels (a list of flat objects).
MAX_JSON_DEPTH = 32


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"요청 본문이 너무 큽니다(최대 {limit:,}바이트). 기사를 여러 요청으로 "
            "나눠 보내세요."
        )


def max_request_bytes() -> int:
    return int(prism_settings.API_MAX_REQUEST_BYTES)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name}은(는) JSON 값이 아닙니다")


def json_depth(value: object) -> int:
    """How deeply lists and objects nest in ``value`` (without recursion)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                pending.extend((child, depth + 1) for child in node)
    return deepest


class PrismJSONParser(BaseParser):
    """``application/json`` bodies up to the API's limit, strict JSON only."""

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_request_bytes()
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise RequestTooLarge(limit)
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            parsed = json.loads(data.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError("JSON이 너무 깊게 중첩되어 있습니다.") from None
        except (LookupError, UnicodeError):
            raise ParseError(f"본문을 {encoding}(으)로 읽을 수 없습니다.") from None
        except ValueError as error:
            raise ParseError(f"JSON 구문 오류: {error}") from None
        if json_depth(parsed) > MAX_JSON_DEPTH:
            raise ParseError(
                f"JSON이 너무 깊게 중첩되어 있습니다(최대 {MAX_JSON_DEPTH}단계)."
            )
        return parsed
