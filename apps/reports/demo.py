"""Demo data: a draft annual report for the current year for two unions, from fixtures/reports/."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from apps.core.demo import DemoContext
from apps.organizations.models import Organization

from . import services
from .models import AnnualReport, PullQuote

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "reports" / "demo_reports.json"


def seed(ctx: DemoContext) -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    year = ctx.today.year
    organizations = {o.slug: o for o in Organization.objects.filter(slug__in=data)}
    for slug, content in data.items():
        organization = organizations.get(slug)
        if organization is None or AnnualReport.objects.filter(organization=organization, year=year).exists():
            continue
        report = services.annual_report_create(organization=organization, year=year, report_date=ctx.today)
        first, last = ctx.name()
        services.annual_report_update(
            report=report,
            title=content["title"].format(year=year),
            foreword="\n\n".join(content["foreword"]),
            signed_by=f"{first} {last}, {content['signer_title']}",
            on_behalf_of=content["on_behalf_of"],
            language=organization.language,
            report_date=ctx.today,
        )
        PullQuote.objects.bulk_create(
            PullQuote(
                report=report, text=q["text"], attribution=q["attribution"], section_key=q["section_key"]
            )
            for q in content["quotes"]
        )
    ctx.out.write(f"  reports: draft annual reports {year} for {', '.join(sorted(organizations))}\n")
