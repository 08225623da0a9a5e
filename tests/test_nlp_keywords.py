"""Keywords: compound nouns and noun phrases an editor would pick."""

from __future__ import annotations

from prism.nlp.keywords import STOPWORDS, KeywordExtractor, extract_keywords

ARTICLE = (
    "[PRISM 샘플 김민수 기자] 메타가 국내 AI 반도체 스타트업 퓨리오사AI "
    "인수를 추진한다. "
    "퓨리오사AI는 지난해 2000억 원 규모의 투자 유치를 시도했다. 14일 업계에 따르면 "
    "퓨리오사AI의 AI 반도체 ‘레니게이드’는 전력 효율이 높다는 평가를 받는다. "
    "메타는 AI 반도체 자체 개발을 서두르고 있다. 거래는 이달 중 마무리될 것으로 "
    "보인다. 문의는 minsu@example.com으로 하면 된다."
)
TITLE = "메타, 퓨리오사AI 인수 추진…AI 반도체 확보 경쟁"
POOL = [
    "정부가 반도체 산업 지원책을 발표했다. 기업들은 반도체 투자를 늘린다.",
    "한국은행이 기준금리를 동결했다. 시장은 금리 인하를 기대한다.",
    "코스피가 외국인 매도에 하락했다. 반도체 업종이 약세를 보였다.",
    ARTICLE,
]


def test_compound_nouns_and_noun_phrases_come_out_whole():
    keywords = extract_keywords(ARTICLE, k=5, title=TITLE)
    assert "퓨리오사AI" in keywords
    assert "AI 반도체" in keywords
    assert "메타" in keywords
    assert len(keywords) == 5


def test_no_stopwords_reporter_names_dates_or_contacts():
    keywords = extract_keywords(ARTICLE, k=10, title=TITLE)
    assert not set(keywords) & STOPWORDS
    assert "김민수" not in keywords
    assert not any(
        ch.isdigit() for word in keywords for ch in word if word[0].isdigit()
    )
    assert not any("example" in word or "minsu" in word for word in keywords)
    assert not any(
        word.endswith(("일", "억")) and word[0].isdigit() for word in keywords
    )


def test_stopwords_are_a_real_korean_list():
    for word in ("것", "등", "수", "이번", "지난해", "관계자", "기자", "따르면"):
        assert word in STOPWORDS
    assert len(STOPWORDS) > 150


def test_corpus_statistics_push_down_words_every_article_uses():
    fitted = KeywordExtractor().fit(POOL)
    assert fitted.documents == len(POOL)
    assert fitted.idf("반도체") < fitted.idf("레니게이드")
    unfitted = KeywordExtractor()
    assert unfitted.idf("반도체") == unfitted.idf("레니게이드") == 1.0


def test_keywords_do_not_repeat_each_other():
    keywords = KeywordExtractor().keywords(ARTICLE, k=8, title=TITLE)
    for i, a in enumerate(keywords):
        for b in keywords[i + 1 :]:
            assert a.replace(" ", "") not in b.replace(" ", "")
            assert b.replace(" ", "") not in a.replace(" ", "")


def test_names_okt_cuts_into_pieces_are_restored():
    text = "대륜자동차가 울산 공장을 전환한다. 대륜자동차는 하이브리드를 늘린다."
    assert extract_keywords(text, k=3)[0] == "대륜자동차"
