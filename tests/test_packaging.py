"""django-prism in a foreign host: the wheel, installed into a new project, works.

Builds the sdist and the wheel (from the sdist, as pip would), installs the wheel into a
fresh virtualenv outside the repository, makes a project with ``django-admin
startproject`` and applies the README's "Plugging PRISM into your own Django project"
section as written: its fenced blocks are the files the test writes and the commands it
runs. Then it imports the bundled sample, generates a draft, publishes it through the
workflow services and reads it back from the new host's own server.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import textwrap
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.helpers.processes import ROOT, free_port

pytestmark = pytest.mark.slow

README_SECTION = "## Plugging PRISM into your own Django project"
PROJECT = "mysite"
EDITION = "2026-11-20"  # the sample corpus' last day (prism/sample_data/README.md)
READER_TYPE = "ceo"
FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```$", re.M | re.S
)
# The first line of a file block names the file: "# mysite/settings.py (append)",
# "# mysite/urls.py" or "{# templates/base.html #}".
FILE_MARKER = re.compile(
    r"(?:# (?P<py>[\w/.-]+\.py)|\{# (?P<html>[\w/.-]+\.html) #\})"
    r"(?P<append> \(append\))?"
)
# Where the host's environment must not leak into the new project.
HOST_ENVIRONMENT = ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
SAMPLE_PATH = (
    "import pathlib, prism; "
    "print(pathlib.Path(prism.__file__).parent / 'sample_data' / 'articles.jsonl')"
)
PUBLISH_SCRIPT = """
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

import prism
from prism.models import Briefing
from prism.services.workflow import (
    briefing_approve,
    briefing_publish,
    briefing_submit_for_review,
)

User = get_user_model()
editor = User.objects.create_user("editor", is_staff=True)
editor.groups.set(Group.objects.filter(name="Editors"))
chief = User.objects.create_user("chief", is_staff=True)
chief.groups.set(Group.objects.filter(name__in=["Editors", "Chief editors"]))
briefing = Briefing.objects.get(reader_type__slug="{slug}", edition_date="{edition}")
briefing = briefing_submit_for_review(briefing=briefing, user=editor)
briefing = briefing_approve(briefing=briefing, user=chief)
briefing = briefing_publish(briefing=briefing, user=chief)
published = {{
    "id": briefing.pk,
    "status": briefing.status,
    "url": briefing.get_absolute_url(),
    "headline": briefing.headline,
    "footer": briefing.footer,
    "prism": prism.__file__,
}}
print("PUBLISHED", json.dumps(published, ensure_ascii=False))
"""


@dataclass
class ForeignHost:
    root: Path
    python: Path
    env: dict[str, str]
    wheel: Path
    sdist: Path
    check_output: str
    published: dict


def run(command: list, *, cwd: Path, env: dict | None = None, timeout: int = 300):
    """Run ``command``; fail the test with its output when it does not succeed."""
    try:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{command} took more than {timeout} s:\n{exc.stdout}{exc.stderr}")
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def readme_blocks() -> list[tuple[str, str]]:
    """The (language, text) of each fenced block in the README's plugging section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.find(README_SECTION)
    assert start >= 0, f"README.md has no section '{README_SECTION}'"
    end = readme.find("\n## ", start + len(README_SECTION))
    section = readme[start : end if end > 0 else None]
    return [
        (match["lang"], textwrap.dedent(match["body"]))
        for match in FENCE.finditer(section)
    ]


def apply_readme(host: Path) -> list[str]:
    """Write the section's files into ``host``; return its ``manage.py`` commands."""
    commands: list[str] = []
    install_lines: list[str] = []
    for lang, body in readme_blocks():
        marker = FILE_MARKER.fullmatch(body.splitlines()[0])
        if marker:
            target = host / (marker["py"] or marker["html"])
            target.parent.mkdir(parents=True, exist_ok=True)
            if marker["append"]:
                assert target.exists(), f"README appends to {target}, not made"
                with target.open("a", encoding="utf-8") as file:
                    file.write("\n" + body)
            else:
                target.write_text(body, encoding="utf-8")
        elif lang == "sh":
            lines = [line.split("#")[0].strip() for line in body.splitlines()]
            install_lines += [line for line in lines if line.startswith("pip ")]
            commands += [line for line in lines if line.startswith("python manage.py")]
    assert "pip install django-prism" in install_lines, install_lines
    assert commands, "the README section has no `python manage.py` steps"
    return commands


def server_command(command: str) -> bool:
    return command.endswith("&") or command.split()[2] == "runserver"


def build_distributions(dist: Path) -> tuple[Path, Path]:
    if importlib.util.find_spec("build") is None:
        pytest.fail("The 'build' package is missing: `make install` installs it.")
    # Builds the sdist, then the wheel from the unpacked sdist: what ships is tested.
    run([sys.executable, "-m", "build", "--outdir", dist, ROOT], cwd=ROOT, timeout=600)
    (wheel,) = dist.glob("django_prism-*.whl")
    (sdist,) = dist.glob("django_prism-*.tar.gz")
    return wheel, sdist


def install_into_new_venv(root: Path, wheel: Path) -> tuple[Path, dict]:
    run([sys.executable, "-m", "venv", root / "venv"], cwd=root)
    python = root / "venv" / "bin" / "python"
    # The exact versions the suite runs on (extras dropped: pip refuses them there).
    pins = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    constraints = root / "constraints.txt"
    constraints.write_text(re.sub(r"\[[^\]]*\]", "", pins), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in HOST_ENVIRONMENT}
    try:
        run(
            [python, "-m", "pip", "install", "-q", "-c", constraints, wheel],
            cwd=root,
            env=env,
            timeout=900,
        )
    except pytest.fail.Exception as exc:
        pytest.fail(
            "Installing the wheel needs its dependencies from the package index "
            f"(PyPI) or pip's cache.\n{exc}"
        )
    return python, env | {"DJANGO_SETTINGS_MODULE": f"{PROJECT}.settings"}


def follow_the_readme(host: Path, python: Path, env: dict) -> str:
    """Make the project, apply the README section; return what ``check`` printed."""
    host.mkdir()
    run([python.parent / "django-admin", "startproject", PROJECT, host], cwd=host)
    check_output = ""
    for command in apply_readme(host):
        if server_command(command):
            continue  # The `server` fixture starts runserver on a free port.
        arguments = command.split()[2:]
        result = run([python, "manage.py", *arguments], cwd=host, env=env)
        if arguments[0] == "check":
            check_output = result.stdout + result.stderr
    return check_output


def publish_a_sample_briefing(host: Path, python: Path, env: dict) -> dict:
    """Import the bundled sample, generate one draft and publish it as editors do."""
    manage = [python, "manage.py"]
    sample = run([python, "-c", SAMPLE_PATH], cwd=host, env=env).stdout.strip()
    run([*manage, "prism_import", sample], cwd=host, env=env)
    generate = ["prism_generate", "--sync", "--date", EDITION]
    run([*manage, *generate, "--reader-type", READER_TYPE], cwd=host, env=env)
    script = PUBLISH_SCRIPT.format(slug=READER_TYPE, edition=EDITION)
    output = run([*manage, "shell", "-c", script], cwd=host, env=env).stdout
    (line,) = [line for line in output.splitlines() if line.startswith("PUBLISHED ")]
    return json.loads(line.removeprefix("PUBLISHED "))


@pytest.fixture(scope="module")
def foreign_host(tmp_path_factory) -> ForeignHost:
    """A new project with the wheel installed, set up as the README says."""
    root = tmp_path_factory.mktemp("foreign-host")
    wheel, sdist = build_distributions(root / "dist")
    python, env = install_into_new_venv(root, wheel)
    host = root / PROJECT
    check_output = follow_the_readme(host, python, env)
    published = publish_a_sample_briefing(host, python, env)
    return ForeignHost(root, python, env, wheel, sdist, check_output, published)


@pytest.fixture(scope="module")
def server(foreign_host):
    """The new host's own ``runserver``; yields its base URL."""
    port = free_port()
    log = (foreign_host.root / "runserver.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [
            foreign_host.python,
            "manage.py",
            "runserver",
            "--noreload",
            f"127.0.0.1:{port}",
        ],
        cwd=foreign_host.root / PROJECT,
        env=foreign_host.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                pytest.fail(f"runserver did not start:\n{log.read()}")
            time.sleep(0.2)
    yield base_url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            assert response.status == 200, url
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        pytest.fail(f"GET {url}: {exc.code}\n{exc.read().decode('utf-8')[:3000]}")


def readme_publisher() -> str:
    settings_block = next(body for _, body in readme_blocks() if "PRISM = {" in body)
    return re.search(r'"PUBLISHER": "([^"]+)"', settings_block)[1]


def test_the_wheel_holds_the_app_and_its_data_only(foreign_host):
    names = zipfile.ZipFile(foreign_host.wheel).namelist()
    # Every file of the app ships: modules, migrations, templates, static files,
    # prompts, sample data (a new data folder needs its line in MANIFEST.in).
    app_files = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "prism").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert sorted(app_files - set(names)) == []
    assert "prism/templates/registration/signup.html" in names
    assert "prism/sample_data/articles.jsonl" in names
    top_level = {name.split("/")[0] for name in names}
    assert top_level == {
        "prism",
        foreign_host.wheel.name.split("-py3")[0] + ".dist-info",
    }
    metadata = (
        zipfile.ZipFile(foreign_host.wheel)
        .read(next(name for name in names if name.endswith("METADATA")))
        .decode()
    )
    assert "Name: django-prism" in metadata
    assert "Provides-Extra: transformers" in metadata
    assert "Requires-Dist: torch" in metadata
    assert not re.search(r"^Requires-Dist: torch[^;]*$", metadata, re.M)


def test_the_sdist_leaves_the_host_project_tests_and_bench_out(foreign_host):
    with tarfile.open(foreign_host.sdist) as sdist:
        parts = {name.split("/")[1] for name in sdist.getnames() if "/" in name}
    assert {"prism", "CHANGELOG.md", "README.md", "pyproject.toml"} <= parts
    assert not parts & {"newsroom", "tests", "bench", "templates", "static"}


def test_the_new_host_checks_clean_on_the_installed_package(foreign_host):
    assert (
        "System check identified no issues (0 silenced)." in foreign_host.check_output
    )
    assert "WARNINGS" not in foreign_host.check_output
    assert "/venv/lib/" in foreign_host.published["prism"]
    assert foreign_host.published["status"] == "published"


def test_the_published_briefing_is_on_the_new_hosts_site(foreign_host, server):
    published = foreign_host.published
    assert readme_publisher() in published["footer"]

    page = fetch(server + published["url"])

    assert html.escape(published["headline"], quote=False) in page
    assert html.escape(published["footer"], quote=False) in page


def test_the_feeds_carry_the_briefing(foreign_host, server):
    published = foreign_host.published
    for kind in ("feed", "atom"):
        feed = fetch(f"{server}/reader-types/{READER_TYPE}/{kind}/")
        # Our own server's feed: parsing it also proves it is well-formed XML.
        text = "".join(ElementTree.fromstring(feed).itertext())  # noqa: S314
        assert published["headline"] in text
        assert published["footer"] in text


def test_the_api_lists_the_briefing(foreign_host, server):
    published = foreign_host.published

    listing = json.loads(fetch(f"{server}/api/briefings/"))
    detail = json.loads(fetch(f"{server}/api/briefings/{published['id']}/"))

    assert [b["headline"] for b in listing["results"]] == [published["headline"]]
    assert published["footer"] in json.dumps(detail, ensure_ascii=False)


def test_the_apps_own_pages_and_assets_are_served(server):
    assert "무료 구독" in fetch(f"{server}/accounts/signup/")
    assert fetch(f"{server}/static/prism/prism.css")
