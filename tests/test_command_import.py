"""``manage.py prism_import``: summary, errors, atomicity, limits, URLs, progress."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from prism.models import Article
from prism.services.articles import after_import
from tests.helpers.samples import sample_path
from tests.helpers.triggers import drop_failing_trigger, install_failing_trigger

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("prism_import", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_summary_counts_and_rejections(ingest_fixtures):
    path = str(ingest_fixtures / "articles.jsonl")
    out, _ = run(path)
    assert f"{path} (jsonl): 기사 2건 - 생성 2건, 갱신 0건, 중복 0건" in out
    assert "가져오기 완료: 생성 2건, 갱신 0건, 중복 0건, 유사 중복 0건, 거부 4건" in out
    assert "거부된 레코드 4건:" in out
    assert f"{path} line 5: published_at 값 '어제 오후'" in out
    assert f"{path} line 3: JSON 구문 오류" in out
    assert Article.objects.count() == 2


def test_reimport_reports_duplicates_and_creates_nothing(ingest_fixtures):
    paths = [
        str(ingest_fixtures / name) for name in ("sedaily_small.txt", "articles.csv")
    ]
    run(*paths)
    count = Article.objects.count()
    out, _ = run(*paths)
    assert "가져오기 완료: 생성 0건, 갱신 0건, 중복 5건" in out
    assert Article.objects.count() == count == 5


def test_every_fixture_format_imports(ingest_fixtures):
    names = [
        "sedaily_small.txt",
        "edaily_small.txt",
        "leads_small.txt",
        "articles.jsonl",
        "articles.json",
        "articles.csv",
        "feed_rss.xml",
        "feed_atom.xml",
        "feed_euckr.xml",
        "leads_cp949.txt",
    ]
    out, _ = run(*[str(ingest_fixtures / name) for name in names])
    assert "가져오기 완료: 생성 19건" in out
    assert Article.objects.count() == 19


def test_after_import_hook_is_queued_for_the_commit(
    ingest_fixtures, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run(
            str(ingest_fixtures / "articles.jsonl"),
            str(ingest_fixtures / "articles.csv"),
        )
    assert [callback.func for callback in callbacks] == [after_import, after_import]
    queued = sorted(pk for callback in callbacks for pk in callback.args[0])
    assert queued == sorted(Article.objects.values_list("pk", flat=True))


def test_failed_import_queues_no_hook(
    ingest_fixtures, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        refused(
            str(ingest_fixtures / "articles.jsonl"), str(ingest_fixtures / "empty.txt")
        )
    assert callbacks == []


def test_source_and_format_options(ingest_fixtures):
    run(
        str(ingest_fixtures / "leads_small.txt"),
        "--format",
        "leads",
        "--source",
        "테스트",
    )
    assert set(Article.objects.values_list("source", flat=True)) == {"테스트"}


def test_malformed_file_is_one_line_and_leaves_the_database_unchanged(ingest_fixtures):
    good = str(ingest_fixtures / "articles.jsonl")
    bad = str(ingest_fixtures / "truncated.json")
    message = refused(good, bad)
    assert message.startswith(f"{bad}: line 1 column 47: JSON 구문 오류")
    assert Article.objects.count() == 0


FAILING_CSV_HEADLINE = "온라인 쇼핑 거래액 역대 최대…모바일 비중 75%"


def test_single_transaction_rolls_back_every_file_on_a_database_error(
    ingest_fixtures,
):
    install_failing_trigger(FAILING_CSV_HEADLINE)
    message = refused(
        str(ingest_fixtures / "articles.jsonl"),
        str(ingest_fixtures / "articles.csv"),
        "--single-transaction",
    )
    assert message.startswith("데이터베이스 오류로 가져오기를 모두 취소했습니다")
    assert Article.objects.count() == 0


def test_database_error_keeps_committed_batches_and_says_how_to_finish(
    ingest_fixtures,
):
    install_failing_trigger(FAILING_CSV_HEADLINE)
    jsonl = str(ingest_fixtures / "articles.jsonl")
    csv = str(ingest_fixtures / "articles.csv")
    message = refused(jsonl, csv, "--batch-size", "1")
    assert message.startswith(f"{csv}: 데이터베이스 오류로 가져오기를 멈췄습니다")
    assert "refused by test trigger" in message
    assert f"이미 저장됨: {jsonl} 전부, {csv}의 앞 1건(전체 2건 중)." in message
    assert "다시 실행하면" in message
    stored = Article.objects.count()
    assert not Article.objects.filter(headline=FAILING_CSV_HEADLINE).exists()
    assert Article.objects.filter(headline__startswith="조선업계").exists()

    drop_failing_trigger()
    out, _ = run(jsonl, csv, "--batch-size", "1")
    assert f"{csv} (csv): 기사 2건 - 생성 1건, 갱신 0건, 중복 1건" in out
    assert Article.objects.count() == stored + 1


def test_database_error_in_the_first_batch_stores_nothing(ingest_fixtures):
    install_failing_trigger(FAILING_CSV_HEADLINE)
    csv = str(ingest_fixtures / "articles.csv")
    message = refused(csv)  # the default batch holds both articles
    assert message.endswith("아무것도 저장하지 않았습니다.")
    assert Article.objects.count() == 0


def test_database_unusable_before_the_first_batch_is_one_line(ingest_fixtures):
    from django.db import connection

    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE prism_article RENAME TO prism_article_away")
    csv = str(ingest_fixtures / "articles.csv")
    message = refused(csv)
    assert message.startswith(f"{csv}: 데이터베이스 오류로 가져오기를 멈췄습니다")
    assert message.endswith("아무것도 저장하지 않았습니다.")


def test_batch_size_defaults_to_prism_settings(
    ingest_fixtures, settings, django_capture_on_commit_callbacks
):
    settings.PRISM = {**getattr(settings, "PRISM", {}), "IMPORT_BATCH_SIZE": 2}
    with django_capture_on_commit_callbacks() as callbacks:
        run(str(ingest_fixtures / "articles.jsonl"))
    sizes = [len(callback.args[0]) for callback in callbacks]
    assert sizes and max(sizes) <= 2
    assert sum(sizes) == Article.objects.count()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.txt", "파일이 비어 있습니다"),
        ("feed_empty.xml", "기사(item/entry)가 하나도 없습니다"),
        ("feed_broken.xml", "line 2: 피드를 읽을 수 없습니다"),
        ("binary.dat", "바이너리"),
        ("missing.jsonl", "파일이 없습니다"),
    ],
)
def test_bad_inputs_are_refused_by_name(ingest_fixtures, name, words):
    path = str(ingest_fixtures / name)
    message = refused(path)
    assert message.startswith(path)
    assert words in message


def test_wrong_forced_format_is_refused(ingest_fixtures):
    message = refused(str(ingest_fixtures / "sedaily_small.txt"), "--format", "json")
    assert "JSON 구문 오류" in message


def test_unknown_format_option_is_refused(ingest_fixtures):
    with pytest.raises(CommandError, match="invalid choice"):
        run(str(ingest_fixtures / "articles.jsonl"), "--format", "docx")


def test_size_limit_option(ingest_fixtures):
    path = ingest_fixtures / "articles.jsonl"
    message = refused(str(path), "--max-bytes", str(path.stat().st_size - 1))
    assert "너무 큽니다" in message
    assert Article.objects.count() == 0


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_max_bytes_must_be_a_positive_integer(ingest_fixtures, value):
    with pytest.raises(CommandError, match="양의 정수가 아닙니다"):
        run(str(ingest_fixtures / "articles.jsonl"), "--max-bytes", value)


def test_size_limit_from_prism_settings(ingest_fixtures, settings):
    settings.PRISM = {**settings.PRISM, "IMPORT_MAX_BYTES": 100}
    message = refused(str(ingest_fixtures / "articles.jsonl"))
    assert "한도 100바이트" in message


def test_import_from_url(ingest_server):
    out, _ = run(f"{ingest_server}/articles.csv")
    assert "(csv): 기사 2건" in out
    assert Article.objects.filter(
        url="https://news.example.com/articles/csv-1"
    ).exists()


def test_url_error_is_one_line(ingest_server):
    message = refused(f"{ingest_server}/nothing-here.json")
    assert message == f"{ingest_server}/nothing-here.json: HTTP 404 File not found"


def test_progress_bar_for_large_inputs_on_stderr(tmp_path):
    path = tmp_path / "many.jsonl"
    lines = [
        json.dumps(
            {
                "headline": f"기사 {number}",
                "body": f"{number}번째 기사의 본문이다. 서로 다른 내용을 담고 있다. "
                f"고유 번호는 {number * 7919}이다.",
                "url": f"https://news.example.com/many/{number}",
            },
            ensure_ascii=False,
        )
        for number in range(120)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    out, err = run(str(path))
    assert "120/120" in err
    assert "생성 120건" in out


def test_no_progress_bar_for_small_inputs(ingest_fixtures):
    _, err = run(str(ingest_fixtures / "articles.jsonl"))
    assert err == ""


def test_command_line_error_has_no_traceback(tmp_path, ingest_fixtures):
    env = {**os.environ, "PRISM_VAR_DIR": str(tmp_path)}
    completed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "prism_import",
            str(ingest_fixtures / "truncated.json"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "truncated.json: line 1 column 47: JSON 구문 오류" in lines[0]


def test_real_samples_import_twice_without_new_articles():
    paths = [
        str(sample_path(name))
        for name in (
            "sedaily_articles.txt",
            "edaily_search_results.txt",
            "sedaily_leads.txt",
        )
    ]
    out, _ = run(*paths)
    assert "(sedaily): 기사 15건 - 생성 15건" in out
    assert "(edaily): 기사 7건 - 생성 7건" in out
    assert "(leads): 기사 20건 - 생성 20건" in out
    assert Article.objects.count() == 42
    # The print compilation that pastes three earlier web articles together is a
    # copy of the earliest of them; the web articles stay originals (their stories
    # are candidates), and the later print copy of the SK하이닉스 story is linked.
    compilation = Article.objects.get(headline__startswith='"AI 고급인재에 軍 면제')
    assert compilation.duplicate_of is not None
    assert compilation.duplicate_of.published_at < compilation.published_at
    assert Article.objects.filter(duplicate_of__isnull=False).count() >= 2
    out, _ = run(*paths)
    assert "가져오기 완료: 생성 0건, 갱신 0건, 중복 42건" in out
    assert Article.objects.count() == 42
