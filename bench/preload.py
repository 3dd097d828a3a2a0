"""Register N cases through the service (in-process, one at a time) so that lists have
pages to show; applicants 0..N-1 are the parties that later registrations come back with.

    .venv/bin/python bench/preload.py 2000
"""

from __future__ import annotations

import sys
import time

from benchlib import CATEGORIES, VILLAGES, case_body, django_setup


def main(total: int) -> None:
    django_setup()
    from django.contrib.auth import get_user_model

    from centre.models import Category, Region
    from intake import services
    from intake.models import Case

    clerk = get_user_model().objects.select_related("staff__county").get(username="clerk")
    county = clerk.staff.county
    categories = {c.code: c for c in Category.objects.filter(code__in=CATEGORIES)}
    regions = {r.code: r for r in Region.objects.filter(code__in=VILLAGES)}
    start = time.perf_counter()
    for i in range(total):
        body = case_body(i, i, reuse=False)
        parties = [services.PartyInput(**p) for p in body.pop("parties")]
        services.case_register(
            actor=clerk,
            county=county,
            data=services.CaseInput(
                parties=parties,
                **{
                    **body,
                    "category": categories[body["category"]],
                    "region": regions[body["region"]],
                },
            ),
        )
    elapsed = time.perf_counter() - start
    print(
        f"preloaded {total} cases in {elapsed:.1f} s ({total / elapsed:.0f}/s through the "
        f"service, one process); the county has {Case.objects.filter(county=county).count()}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
