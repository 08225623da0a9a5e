"""Content hashes and the near-duplicate index."""

from __future__ import annotations

import pytest

from prism.ingest import NearDuplicateIndex, content_hash
from prism.ingest.dedup import jaccard

BASE = (
    "한국은행 금융통화위원회가 기준금리를 연 3.0%로 동결했다. 금통위는 소비자물가 "
    "상승률이 목표 수준에 가까워지고 있지만 환율 변동성이 커 추가 인하 여부를 "
    "판단하기 이르다고 설명했다. 시장에서는 4분기 인하 가능성을 점치고 있다. "
    "가계부채 증가세도 변수로 꼽힌다. 부동산 시장의 거래량이 다시 늘면서 주택담보"
    "대출 잔액이 석 달 연속 증가했다. 한은은 다음 회의에서 물가와 성장 경로를 "
    "다시 점검하겠다고 밝혔다."
)
OTHER = (
    "반도체 장비 수출이 넉 달 연속 두 자릿수 증가율을 기록했다. 인공지능 데이터센터 "
    "투자가 이어지면서 후공정 장비를 중심으로 해외 주문이 늘었다는 분석이다. "
    "업계는 하반기에도 증가세가 이어질 것으로 보고 있지만 미국의 수출 통제가 변수다."
)
THIRD = (
    "편의점 업계가 1인 가구를 겨냥해 소용량 신선식품 품목을 늘리고 있다. 주요 "
    "편의점 3사는 올해 신선식품 매출이 전년보다 20% 이상 늘었다고 밝혔다. 업계는 "
    "물가 부담이 커지면서 대형마트 대신 근거리 소량 구매가 늘어난 영향으로 본다. "
    "배달 앱과 연계한 즉시 배송 서비스도 확대되면서 주말 매출 비중이 높아졌다. "
    "유통업계는 하반기 신규 점포 출점 전략도 소형 매장 위주로 바꾸고 있다."
)


def test_content_hash_ignores_whitespace_differences():
    assert content_hash("금리를  동결했다.\n다음 문장.") == content_hash(
        " 금리를 동결했다. 다음 문장. "
    )
    assert len(content_hash(BASE)) == 64


def test_content_hash_differs_for_different_text():
    assert content_hash(BASE) != content_hash(BASE.replace("3.0%", "3.25%"))


def test_lightly_edited_copy_is_a_near_duplicate():
    edited = BASE.replace("이르다고", "아직 이르다고").replace("석 달", "3개월")
    assert jaccard(BASE, edited) > 0.8
    index = NearDuplicateIndex(threshold=0.8)
    index.add("original", BASE)
    index.add("other", OTHER)
    key, similarity = index.find(edited)
    assert key == "original"
    assert similarity == pytest.approx(jaccard(BASE, edited), abs=0.1)


def test_unrelated_article_is_not_a_near_duplicate():
    index = NearDuplicateIndex(threshold=0.8)
    index.add("original", BASE)
    assert index.find(OTHER) is None


def test_article_pasted_into_a_compilation_is_found_by_containment():
    compilation = OTHER + " " + BASE + " " + THIRD
    assert jaccard(BASE, compilation) < 0.5
    index = NearDuplicateIndex(threshold=0.8)
    index.add("compilation", compilation)
    key, similarity = index.find(BASE)
    assert key == "compilation"
    assert similarity >= 0.8


def test_threshold_is_respected():
    edited = BASE.replace("동결했다", "묶었다").replace("점치고", "보고")
    similarity = jaccard(BASE, edited)
    strict = NearDuplicateIndex(threshold=0.99)
    strict.add("original", BASE)
    assert strict.find(edited) is None
    loose = NearDuplicateIndex(threshold=similarity - 0.15)
    loose.add("original", BASE)
    assert loose.find(edited)[0] == "original"


def test_empty_bodies_are_ignored():
    index = NearDuplicateIndex()
    index.add("empty", "   ")
    assert len(index) == 0
    assert index.find("") is None


def test_short_texts_still_compare():
    index = NearDuplicateIndex(threshold=0.5)
    index.add("short", "금리 동결")
    assert index.find("금리 동결") == ("short", 1.0)
