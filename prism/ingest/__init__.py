"""Article ingestion: parsers for every input format, body cleaning and deduplication.

Plain Python (no Django imports), so it can be tested and benchmarked alone; the
database side lives in ``prism.services.articles``.

    result = parse_path("samples/sedaily_articles.txt")  # format detected
    result = parse_text(text, fmt="jsonl", source="서울경제")
    result.articles, result.rejected  # ParsedArticle, RejectedRecord lists
"""

from prism.ingest.base import (
    IngestError,
    ParsedArticle,
    ParseResult,
    RejectedRecord,
)
from prism.ingest.clean import CleanedText, clean_body
from prism.ingest.dedup import NearDuplicateIndex, content_hash
from prism.ingest.detect import FORMATS, detect_format
from prism.ingest.reader import DEFAULT_MAX_BYTES, parse_path, parse_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "CleanedText",
    "IngestError",
    "NearDuplicateIndex",
    "ParseResult",
    "ParsedArticle",
    "RejectedRecord",
    "clean_body",
    "content_hash",
    "detect_format",
    "parse_path",
    "parse_text",
]
