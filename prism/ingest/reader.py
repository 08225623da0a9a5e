"""Reading an input from a file or an http(s) URL: size limit, decoding, format."""

from __future__ import annotations

import codecs
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable

from prism.ingest.base import IngestError, ParseResult
from prism.ingest.csv_records import parse_csv
from prism.ingest.detect import FORMATS, detect_format
from prism.ingest.edaily import parse_edaily
from prism.ingest.feeds import parse_feed
from prism.ingest.json_records import parse_json, parse_jsonl
from prism.ingest.leads import parse_leads
from prism.ingest.sedaily import parse_sedaily

# Used when the caller gives no limit; Django callers pass PRISM's IMPORT_MAX_BYTES.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 30
USER_AGENT = "PRISM-import/1.0"
# Korean newsroom exports are UTF-8 or, from older Windows tools, CP949 (EUC-KR+).
FALLBACK_ENCODINGS = ("utf-8-sig", "cp949")
_CHARSET_ALIASES = {"euc-kr": "cp949", "euc_kr": "cp949", "ks_c_5601-1987": "cp949"}

PARSERS: dict[str, Callable[..., ParseResult]] = {
    "sedaily": parse_sedaily,
    "edaily": parse_edaily,
    "leads": parse_leads,
    "jsonl": parse_jsonl,
    "json": parse_json,
    "csv": parse_csv,
    "rss": parse_feed,
}


def parse_text(
    text: str, fmt: str = "auto", source: str = "", name: str = "<input>"
) -> ParseResult:
    """Parse ``text`` in format ``fmt`` (``auto`` detects it)."""
    if fmt != "auto" and fmt not in PARSERS:
        raise IngestError(f"알 수 없는 형식 {fmt!r} (가능: auto, {', '.join(FORMATS)})")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise IngestError("파일이 비어 있습니다", name=name)
    if fmt == "auto":
        fmt = detect_format(text, name)
    result = PARSERS[fmt](text, source=source, name=name)
    if not result.articles and not result.rejected:
        raise IngestError(f"{fmt} 형식의 기사를 하나도 찾지 못했습니다", name=name)
    return result


def parse_path(
    path_or_url: str,
    fmt: str = "auto",
    source: str = "",
    max_bytes: int | None = None,
) -> ParseResult:
    """Read a file or an http(s) URL, refusing more than ``max_bytes``, and parse it."""
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if re.match(r"^https?://", path_or_url, re.IGNORECASE):
        data, charset = fetch_url(path_or_url, max_bytes=limit)
    else:
        data, charset = read_file(path_or_url, max_bytes=limit), None
    text = decode_bytes(data, name=path_or_url, charset=charset)
    return parse_text(text, fmt=fmt, source=source, name=path_or_url)


def _too_large(size: int, limit: int, name: str) -> IngestError:
    return IngestError(
        f"입력이 너무 큽니다: {size:,}바이트 이상 (한도 {limit:,}바이트)", name=name
    )


def read_file(path: str, *, max_bytes: int) -> bytes:
    """The bytes of a local file, refusing one larger than ``max_bytes``."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes, path)
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise IngestError("파일이 없습니다", name=path) from None
    except IsADirectoryError:
        raise IngestError("파일이 아니라 디렉터리입니다", name=path) from None
    except OSError as error:
        raise IngestError(
            f"파일을 읽을 수 없습니다({error.strerror})", name=path
        ) from None
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, path)
    return data


def fetch_url(url: str, *, max_bytes: int) -> tuple[bytes, str | None]:
    """Fetch an http(s) URL with a timeout; return its bytes and declared charset."""
    # parse_path only sends http(s) URLs here; urllib's redirects stay on http(s)/ftp.
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    opener = urllib.request.urlopen  # only http(s) URLs reach this function
    try:
        with opener(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # nosec B310
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(int(declared), max_bytes, url)
            data = response.read(max_bytes + 1)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        raise IngestError(f"HTTP {error.code} {error.reason}", name=url) from None
    except urllib.error.URLError as error:
        raise IngestError(
            f"URL에 연결할 수 없습니다({error.reason})", name=url
        ) from None
    except TimeoutError:
        limit = FETCH_TIMEOUT_SECONDS
        raise IngestError(f"응답 시간 초과({limit}초)", name=url) from None
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, url)
    return data, charset


def decode_bytes(
    data: bytes, *, name: str = "<input>", charset: str | None = None
) -> str:
    """Decode as the declared charset, then UTF-8, then CP949; else a clear error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise IngestError(
                "UTF-16 파일이 잘렸거나 손상되었습니다 - 다시 내보내 주세요",
                name=name,
                location=f"byte {error.start}",
            ) from None
    if b"\x00" in data[:8192]:
        raise IngestError("텍스트가 아닌 바이너리 파일입니다", name=name)
    candidates = list(FALLBACK_ENCODINGS)
    if charset:
        candidates.insert(0, _CHARSET_ALIASES.get(charset.lower(), charset))
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            if first_error is None and isinstance(error, UnicodeDecodeError):
                first_error = error
    line = data[: first_error.start].count(b"\n") + 1 if first_error else 1
    raise IngestError(
        "문자 인코딩을 알 수 없습니다(UTF-8, CP949 모두 실패) - UTF-8로 저장해 주세요",
        name=name,
        location=f"line {line}",
    )
