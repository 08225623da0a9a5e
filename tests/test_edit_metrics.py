"""How much editors changed the AI drafts (prism.services.edit_metrics)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from prism.models import Briefing
from prism.services import workflow
from prism.services.edit_metrics import content_edit_metrics, edit_metrics_summary
from prism.services.revisions import briefing_snapshot

S = Briefing.Status
REWRITTEN_SUMMARY = "완전히 새로 쓴 문장들로 요약을 바꾸었습니다."


def test_edit_metrics_per_part(generated, editor, chief):
    briefing = generated()
    before = briefing_snapshot(briefing)
    assert set(content_edit_metrics(before, before).values()) == {0.0}
    workflow.briefing_save_edit(
        briefing=briefing,
        user=editor,
        data={"items": [{"rank": 1, "summary": REWRITTEN_SUMMARY}]},
        base_version=1,
    )
    metrics = content_edit_metrics(before, briefing_snapshot(briefing))
    assert metrics["lead"] == 0.0
    assert metrics["sections"] == 0.0
    assert 0 < metrics["summaries"] < 1
    assert 0 < metrics["overall"] < metrics["summaries"]
    workflow.briefing_submit_for_review(briefing=briefing, user=editor)
    workflow.briefing_approve(briefing=briefing, user=chief)
    workflow.briefing_publish(briefing=briefing, user=chief)
    untouched = generated(edition_date=timezone.localdate() - dt.timedelta(days=1))
    untouched.status = S.APPROVED
    untouched.approved_version = 1
    untouched.save()
    workflow.briefing_publish(briefing=untouched, user=chief)
    rows = edit_metrics_summary(period="month")
    total = sum(r["count"] for r in rows)
    assert total == 2
    assert sum(r["unchanged"] for r in rows) == 1
    assert all(r["reader_type"] == briefing.reader_type.name for r in rows)
