"""Loads the re-typed seed content in ``fixtures/meetings/`` (seed 004's theme day and sickness-absence
project, seed 002's discussion guide) into a committee or organisation."""

from __future__ import annotations

import json
from datetime import date, time
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.organizations.models import Organization

from .models import (
    AgendaItem,
    AgendaQuestion,
    Committee,
    Course,
    CourseDay,
    DialogueStep,
    DiscussionGuide,
    DiscussionQuestion,
    DiscussionTheme,
    Meeting,
    Milestone,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupTask,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "meetings"


@cache
def read(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def _month(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


@transaction.atomic
def load_theme_day(*, committee: Committee, status: str = Meeting.Status.DRAFT) -> Meeting:
    data = read("theme_day")
    meeting = Meeting.objects.create(
        committee=committee,
        title=data["title"],
        date=date.fromisoformat(data["date"]),
        start_time=time.fromisoformat(data["start_time"]),
        planned_end=time.fromisoformat(data["planned_end"]),
        kind=data["kind"],
        status=status,
        location=committee.location,
    )
    for position, spec in enumerate(data["items"], start=1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            title=spec["title"],
            kind=spec["kind"],
            duration_minutes=spec["duration_minutes"],
            presenter=spec.get("presenter", ""),
            purpose=spec.get("purpose", ""),
            proposed_decision=spec.get("proposed_decision", ""),
        )
        DialogueStep.objects.bulk_create(
            DialogueStep(item=item, position=n, text=s["text"], duration_minutes=s["duration_minutes"])
            for n, s in enumerate(spec.get("steps", []), start=1)
        )
        AgendaQuestion.objects.bulk_create(
            AgendaQuestion(item=item, position=n, text=text)
            for n, text in enumerate(spec.get("questions", []), start=1)
        )
    return meeting


@transaction.atomic
def load_discussion_guide(*, organization: Organization) -> DiscussionGuide:
    data = read("discussion_guide")
    guide = DiscussionGuide.objects.create(
        organization=organization, title=data["title"], introduction=data["introduction"]
    )
    for position, spec in enumerate(data["themes"], start=1):
        theme = DiscussionTheme.objects.create(
            guide=guide,
            position=position,
            title=spec["title"],
            lead_question=spec["lead_question"],
            direction=spec["direction"],
        )
        DiscussionQuestion.objects.bulk_create(
            DiscussionQuestion(theme=theme, position=n, text=text)
            for n, text in enumerate(spec["questions"], start=1)
        )
    return guide


def _group(committee: Committee, spec: dict, parent: WorkingGroup | None) -> WorkingGroup:
    group = WorkingGroup.objects.create(
        committee=committee, parent=parent, name=spec["name"], mandate=spec.get("mandate", "")
    )
    WorkingGroupMember.objects.bulk_create(
        WorkingGroupMember(group=group, role_label=r) for r in spec["members"]
    )
    WorkingGroupTask.objects.bulk_create(
        WorkingGroupTask(
            group=group, title=t["title"], description=t["description"], owner=t["owner"], status=t["status"]
        )
        for t in spec["tasks"]
    )
    return group


@transaction.atomic
def load_sickness_project(*, committee: Committee) -> WorkingGroup:
    data = read("sickness_project")
    project = _group(committee, data, None)
    for spec in data["subgroups"]:
        _group(committee, spec, project)
    Milestone.objects.bulk_create(
        Milestone(
            group=project,
            start_month=_month(m["start"]),
            end_month=_month(m["end"]),
            title=m["title"],
            description=m.get("description", ""),
        )
        for m in data["process_plan"]
    )
    for spec in data["courses"]:
        course = Course.objects.create(
            group=project,
            title=spec["title"],
            audience=spec["audience"],
            description=spec["description"],
            classes=spec["classes"],
            capacity_per_class=spec["capacity_per_class"],
        )
        CourseDay.objects.bulk_create(
            CourseDay(
                course=course,
                date=date.fromisoformat(d["date"]),
                start_time=time.fromisoformat(d["start"]),
                end_time=time.fromisoformat(d["end"]),
            )
            for d in spec["days"]
        )
    return project
