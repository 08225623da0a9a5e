"""What runs inside the processes of the contention test (``manage.py shell -c``):
a populated site, and an editor saving edits while the worker generates."""

from __future__ import annotations

import datetime as dt
import json
import random
import time

from prism.models import Briefing, GenerationRun, ReaderType
from tests.helpers.factories import briefing_create

MIN_EDITS, MAX_EDITS = 10, 400  # per editor; they stop when the worker is done


def contention_setup(edition: str) -> None:
    """Sample corpus, editors, a subscriber, published briefings and two drafts."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from prism.models import Article, Subscriber
    from prism.services.demo import demo_corpus_import

    edition_date = dt.date.fromisoformat(edition)
    demo_corpus_import(edition_date=edition_date - dt.timedelta(days=1))
    User = get_user_model()
    editors = []
    for name in ("editor1", "editor2"):
        user = User.objects.create_user(name, is_staff=True)
        user.groups.set(Group.objects.filter(name="Editors"))
        editors.append(user.pk)
    reader = User.objects.create_user("reader", password="load-test-pass-1")
    Subscriber.objects.create(user=reader)
    articles = list(Article.objects.order_by("pk")[:6])
    published, drafts = [], []
    briefings = [
        ("published", "ceo", 3),
        ("published", "ceo", 4),
        ("published", "job-seeker", 3),
        ("draft", "ceo", 5),  # one draft per editor
        ("draft", "job-seeker", 5),
    ]
    for status, type_slug, days in briefings:
        reader_type = ReaderType.objects.get(slug=type_slug)
        briefing = briefing_create(
            reader_type=reader_type,
            status=status,
            articles=articles,
            section_body="주제 문단이다.",
            summary="요약 첫 문장이다. 둘째 문장이다. 셋째 문장이다.",
            edition_date=edition_date - dt.timedelta(days=days),
            published_at=timezone.now() if status == "published" else None,
            headline=f"{reader_type.name} 브리핑",
            lead="첫 리드 문단이다.\n\n둘째 리드 문단이다.",
            keywords=["금리", "수출", "반도체", "투자", "고용"],
        )
        if status == "published":
            published.append(f"/briefings/{briefing.edition_date}/{type_slug}/")
        else:
            drafts.append(briefing.pk)
    print(json.dumps({"pages": published, "drafts": drafts, "editors": editors}))


def editor_loop(briefing_id: int, user_id: int, run_id: int) -> None:
    """Save edits through the workflow service until the generation run has ended.

    Prints one line per saved edit: the test compares them with the database.
    """
    from django.contrib.auth import get_user_model

    from prism.services.generation import TERMINAL
    from prism.services.workflow import briefing_save_edit

    user = get_user_model().objects.get(pk=user_id)
    briefing = Briefing.objects.get(pk=briefing_id)
    number = 0
    while number < MIN_EDITS or (
        GenerationRun.objects.get(pk=run_id).status not in TERMINAL
        and number < MAX_EDITS
    ):
        marker = f"편집 {user.username} #{number}"
        briefing_save_edit(
            briefing=briefing,
            user=user,
            data={
                "lead": f"{marker}: 리드를 고쳤다.",
                "items": [{"rank": 1, "summary": f"{marker}: 요약을 고쳤다."}],
            },
            base_version=briefing.version,
        )
        print(f"saved {number} v{briefing.version}", flush=True)
        number += 1
        time.sleep(random.uniform(0.05, 0.3))  # people pause; processes interleave
