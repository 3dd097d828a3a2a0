from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from centre.models import Clock
from intake import workflow
from intake.models import Case, CaseDocument, CaseEvent
from intake.tests.factories import credit_code, reference_data, register, respondent
from labour.models import Arbitration, Arbitrator, LabourInspection, MinimumWage
from tests.pdf import document_text


@pytest.fixture
def ref(county):
    return reference_data(county)


@pytest.fixture
def labour_inspector(make_user):
    return make_user("labour_inspector")


@pytest.fixture
def arbitrator_user(make_user):
    return make_user("arbitrator", "arbitrator")


@pytest.fixture
def arbitrators(county, arbitrator_user):
    return [
        Arbitrator.objects.create(
            county=county, name="赵启明", user=arbitrator_user, is_chair=True
        ),
        Arbitrator.objects.create(county=county, name="孙丽萍"),
        Arbitrator.objects.create(county=county, name="钱国栋"),
    ]


@pytest.fixture
def minimum_wage(county):
    from datetime import date
    from decimal import Decimal

    return MinimumWage.objects.create(
        county=county, monthly=Decimal("2290"), effective_from=date(2025, 3, 1), source="测试"
    )


def employer(**kw):
    return respondent(
        kind="organisation",
        name=kw.pop("name", "安吉某建筑劳务有限公司"),
        id_type="",
        credit_code=kw.pop("code", credit_code("91330523MA2D7K8L3")),
        **kw,
    )


def at_labour(clerk, ref, **kw):
    """A labour complaint registered at the desk and triaged to the labour window."""
    from intake.tests.factories import applicant

    kw.setdefault("nature", Case.Nature.LABOUR)
    kw.setdefault("summary", "工地拖欠12名工人2026年9月至11月工资")
    kw.setdefault("parties", [applicant(), employer()])
    case = register(clerk, ref, **kw)
    return workflow.fire(
        actor=clerk, number=case.number, name="triage", data={"window": "labour", "note": "劳动"}
    )


def fire(actor, case, name, **data):
    return workflow.fire(actor=actor, number=case.number, name=name, data=data)


# --- the steps of the window, each from the state it is taken in, with good input -------
# Who may take each step: the inspector and the arbitrator theirs; the department head
# (supervisor) extends (条例 第17条, 调解仲裁法 第43条); the front desk records an
# application for arbitration.
ALLOWED = {
    "labour_inspection_accept": {"labour_inspector"},
    "labour_inspection_refuse": {"labour_inspector"},
    "labour_inspection_extend": {"supervisor"},
    "labour_inspection_order": {"labour_inspector"},
    "labour_inspection_conclude": {"labour_inspector"},
    "labour_arbitration_apply": {"arbitrator", "clerk", "supervisor"},
    "labour_arbitration_accept": {"arbitrator"},
    "labour_arbitration_refuse": {"arbitrator"},
    "labour_arbitration_hearing": {"arbitrator"},
    "labour_arbitration_extend": {"supervisor"},
    "labour_arbitration_settle": {"arbitrator"},
    "labour_arbitration_award": {"arbitrator"},
    "labour_arbitration_conclude": {"arbitrator"},
}

ITEMS = "拖欠12名劳动者2026年9月至11月工资共计186000元"
CLAIMS = "请求裁决被申请人支付拖欠工资20000元"
AWARD = {"facts": "申请人在被申请人处工作三年", "text": "被申请人支付工资20000元"}


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def step_input(name: str, arbitrators=()) -> dict:
    """Good input for a step, taken today."""
    return {
        "labour_inspection_accept": {"workers": 12, "owed_amount": "186000"},
        "labour_inspection_refuse": {"channel": "arbitration", "reason": "该事项属于劳动争议"},
        "labour_inspection_extend": {"days": 30, "reason": "涉及人数众多，需调取银行流水"},
        "labour_inspection_order": {
            "kind": "pay",
            "items": ITEMS,
            "amount": "186000",
            "deadline": in_days(15),
        },
        "labour_inspection_conclude": {
            "conclusion": "paid",
            "recovered": "186000",
            "result": "已足额支付",
        },
        "labour_arbitration_apply": {"claims": CLAIMS, "kind": "pay", "amount": "20000"},
        "labour_arbitration_accept": {
            "arbitrators": [a.pk for a in arbitrators],
            "presiding": arbitrators[0].pk if arbitrators else None,
        },
        "labour_arbitration_refuse": {"reason": "申请人不是本案适格的申请人"},
        "labour_arbitration_hearing": {
            "at": in_days(7) + "T09:30",
            "place": "县矛调中心第一仲裁庭",
        },
        "labour_arbitration_extend": {"days": 15, "reason": "案情复杂，需要鉴定"},
        "labour_arbitration_settle": {"terms": "被申请人于2026年12月31日前支付工资18000元"},
        "labour_arbitration_award": {**AWARD, "amount": "20000"},
        "labour_arbitration_conclude": {"ending": "performed", "result": "被申请人已履行"},
    }[name]


# The state each step is taken from.
FROM = {
    "labour_inspection_accept": "received",
    "labour_inspection_refuse": "received",
    "labour_inspection_extend": "opened",
    "labour_inspection_order": "opened",
    "labour_inspection_conclude": "ordered",
    "labour_arbitration_apply": "new",
    "labour_arbitration_accept": "applied",
    "labour_arbitration_refuse": "applied",
    "labour_arbitration_hearing": "accepted",
    "labour_arbitration_extend": "accepted",
    "labour_arbitration_settle": "accepted",
    "labour_arbitration_award": "accepted",
    "labour_arbitration_conclude": "awarded",
}


def reach(state: str, case, *, inspector=None, arbitrator=None, clerk=None, arbitrators=()):
    """Take a case triaged to the labour window to ``state`` of its inspection (received,
    opened, ordered) or its arbitration (new, applied, accepted, awarded)."""
    if state in ("received", "new"):
        return case
    if state in ("opened", "ordered"):
        case = fire(
            inspector, case, "labour_inspection_accept", **step_input("labour_inspection_accept")
        )
        if state == "ordered":
            case = fire(
                inspector, case, "labour_inspection_order", **step_input("labour_inspection_order")
            )
        return case
    case = fire(
        clerk or arbitrator,
        case,
        "labour_arbitration_apply",
        **step_input("labour_arbitration_apply"),
    )
    if state in ("accepted", "awarded"):
        case = fire(
            arbitrator,
            case,
            "labour_arbitration_accept",
            **step_input("labour_arbitration_accept", arbitrators),
        )
    if state == "awarded":
        case = fire(
            arbitrator, case, "labour_arbitration_award", **step_input("labour_arbitration_award")
        )
    return case


def snapshot(case):
    """What a refused or invalid step must leave as it was."""
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.version,
        LabourInspection.objects.filter(case=case).values_list("state", flat=True).first(),
        Arbitration.objects.filter(case=case).values_list("state", flat=True).first(),
        CaseDocument.objects.filter(case=case).count(),
        Clock.objects.filter(case_number=case.number).count(),
        Clock.objects.filter(case_number=case.number, stopped_at__isnull=True).count(),
        CaseEvent.objects.filter(case=case).count(),
    )


def post(api, user, case, name, data, **extra):
    api.force_authenticate(user)
    return api.post(
        f"/api/v1/cases/{case.number}/transitions/{name}/", {**data, **extra}, format="json"
    )


def pdf_text(case, kind) -> str:
    """The rendered letter's text, the layout's spaces and line breaks taken out."""
    return document_text(case, kind)


@pytest.fixture
def api():
    return APIClient()
