"""The world the URL matrix and the hostile-form test run in: the demo county as
``seed_demo`` loads it (one account per role, a case at every window, a mediation with a
session, the windows' documents), an incident, a risk warning and a ledger export of the
county, and another county with a case and a clerk of its own, whose objects everyone here
must get 404 for."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from centre.models import Category, Clock, County, Region, StaffProfile
from centre.roles import ROLES
from centre.tests.factories import CountyFactory, RegionFactory, UserFactory
from centre.tokens import token_issue
from incidents import services as incident_services
from incidents.tests.factories import jpeg
from intake import workflow
from intake.models import Case, CaseDocument, CaseParty
from intake.tests.factories import register
from mediation.models import Agreement, Mediator, Participant
from mediation.tests.factories import agreement_data, start
from risk.models import ExportJob
from risk.models.warning import Kind, Level, RiskWarning

# The demo accounts holding each role (centre/demo_data.py and the windows' demo parts).
DEMO_ACCOUNT = {
    "clerk": "clerk",
    "mediator": "mediator",
    "judge": "judge",
    "court_clerk": "courtclerk",
    "petition_officer": "petition",
    "legal_aid_officer": "legalaid",
    "labour_inspector": "inspector",
    "arbitrator": "arbitrator",
    "review_officer": "reviewer",
    "supervisor": "supervisor",
    "leader": "leader",
    "grid_worker": "grid",
    "sysadmin": "sysadmin",
    "secadmin": "secadmin",
    "auditor": "auditor",
    # A partner platform's service account (token-only in real use; signed in here to show
    # that the pages give it nothing).
    "partner": "platform-12345",
    "town_dispatcher": "towncmd",
    "department_handler": "dept",
}
# Besides the roles: no one signed in, an account without a role, and a second mediator
# who was not assigned the demo mediation (another mediator's case must be 404 to them).
EXTRA = ("anonymous", "outsider", "mediator2")
COLUMNS = (*EXTRA[:2], *ROLES, EXTRA[2])


def url_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(name, route, pattern) for every URL pattern, walking included URL confs; an
    unnamed pattern is known by its route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or route
            yield (f"{namespace}:{name}" if namespace else name), route, entry


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)


def _agreed(users, mediator, case):
    """``case`` triaged to mediation, mediated by ``mediator`` and agreed."""
    case = workflow.fire(
        actor=users["supervisor"],
        number=case.number,
        name="triage",
        data={"window": "mediation", "note": "调解"},
    )
    start(case, users["supervisor"], mediator.organisations.first(), [mediator])
    return workflow.fire(
        actor=users["mediator"],
        number=case.number,
        name="record_agreement",
        data=agreement_data(case),
    )


def _rework_ticket(case: Case) -> Any:
    from datetime import date

    from feedback.models import Rating, ReworkTicket

    rating = Rating.objects.create(
        case=case,
        party=case.case_parties.first().party,
        value=Rating.Value.DISSATISFIED,
        channel=Rating.Channel.PROGRESS,
    )
    return ReworkTicket.objects.create(
        rating=rating, case=case, county_id=case.county_id, due_on=date(2026, 12, 31)
    )


def build_world(settings, media) -> World:
    settings.MEDIA_ROOT = str(media)
    # seed_demo refuses to run outside DEBUG (its accounts share a public password).
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    User = get_user_model()
    users: dict[str, Any] = {role: User.objects.get(username=u) for role, u in DEMO_ACCOUNT.items()}
    users["mediator2"] = User.objects.get(username="mediator2")
    users["outsider"] = UserFactory(username="outsider")
    users["anonymous"] = None

    anji = County.objects.get(code="330523")
    registered = list(Case.objects.filter(county=anji, state="registered").order_by("pk"))
    by_window = {
        c.window.code: c
        for c in Case.objects.filter(county=anji, window__isnull=False).order_by("pk")
    }
    mediation_case = Case.objects.get(county=anji, state="mediating")
    participant = Participant.objects.get(mediation__case=mediation_case)

    other = CountyFactory(code="330522", name="长兴县", city_name="湖州市")
    town = RegionFactory(code="330522001", name="雉城街道", county=other)
    village = RegionFactory(
        code="330522001201", name="画溪村", county=other, parent=town, level=Region.Level.VILLAGE
    )
    other_clerk = UserFactory(username="clerk_cx", roles=["clerk"], roles__county=other)
    other_case = register(
        other_clerk,
        {
            "county": other,
            "village": village,
            "category": Category.objects.filter(parent__isnull=False).first(),
        },
    )
    objects = {
        "case_type": ContentType.objects.get_for_model(Case),
        "other_clerk": other_clerk,
        "mediating": mediation_case,
        "triaged": Case.objects.filter(county=anji, state="triaged").first(),
        "petition": by_window.get("petition"),
        "participant": participant,
        "party": CaseParty.objects.filter(case=mediation_case).first(),
        "other_party": CaseParty.objects.filter(case=other_case).first(),
        "clock": Clock.objects.filter(case_number=mediation_case.number).first(),
        "receipt": CaseDocument.objects.filter(case=mediation_case).first(),
        "other_case": other_case,
        "other_receipt": CaseDocument.objects.filter(case=other_case).first(),
    }
    # A second mediation of the same mediator, taken to an agreement (its performance and
    # correction pages), so the demo mediation stays at 调解中.
    mediator = Mediator.objects.get(user=users["mediator"])
    objects["agreed"] = _agreed(users, mediator, registered[0])
    objects["agreement"] = Agreement.objects.filter(mediation__case=objects["agreed"]).latest("pk")
    # And a third, agreed and sent to the court for judicial confirmation (the judge's pages).
    confirming = _agreed(users, mediator, registered[1])
    objects["confirming"] = workflow.fire(
        actor=users["clerk"], number=confirming.number, name="apply_confirmation", data={}
    )
    # The receipt of the demo mediation, rendered (the PDF tasks are not run here).
    receipt = objects["receipt"]
    receipt.file.save("receipt.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    receipt.status = CaseDocument.Status.READY
    receipt.save(update_fields=["file", "status"])
    objects["incident"] = incident_services.incident_report(
        actor=users["grid_worker"],
        data={
            "category": "labour",
            "urgency": "important",
            "grade": "general",
            "grid": StaffProfile.objects.get(user=users["grid_worker"]).region.code,
            "place": "阳光社区东门工地",
            "involved_count": 12,
            "people": "工人12名",
            "description": "工地12名工人反映被拖欠3个月工资",
        },
        photos=[jpeg(size=(64, 48))],
    )
    objects["photo"] = objects["incident"].photos.first()
    objects["warning"] = RiskWarning.objects.create(
        county=anji,
        kind=Kind.KEYWORD,
        level=Level.HIGH,
        subject="扬言",
        key="keyword:matrix",
        title="高危词语：扬言",
        case_ids=[mediation_case.pk],
        case_numbers=[mediation_case.number],
        case_count=1,
    )
    # A rework ticket (回访/重办) in each county, on a case rated 不满意 (feedback's pages).
    objects["ticket"] = _rework_ticket(mediation_case)
    objects["other_ticket"] = _rework_ticket(other_case)
    objects["other_warning"] = RiskWarning.objects.create(
        county=other, kind=Kind.KEYWORD, level=Level.HIGH, subject="扬言", key="k:o", title="高危"
    )
    # Another county's clerk's API token: no one here may revoke it (404, not 403).
    objects["other_token"] = token_issue(user=other_clerk, name="手机").token
    ledger = ExportJob.objects.create(
        kind=ExportJob.Kind.LEDGER, requested_by=users["leader"], county=anji
    )
    objects["ledger"] = ledger
    return World(users=users, objects=objects)
