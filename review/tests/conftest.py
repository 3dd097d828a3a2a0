import pytest

from intake import workflow
from intake.models import Case
from intake.tests.factories import applicant, credit_code, reference_data, register, respondent

ORGAN = "安吉县市场监督管理局"
SUMMARY = "请求撤销县市场监督管理局作出的罚款5000元的行政处罚决定"
ACT = "安市监罚〔2026〕88号行政处罚决定书（罚款5000元）"
REASONS = "被申请人作出处罚决定前未告知申请人陈述、申辩的权利，程序违法，依法应予撤销。"
ANSWER = "被申请人认为处罚事实清楚、证据确凿、程序合法，请求维持。"
TERMS = "被申请人将罚款数额变更为2000元，申请人自愿撤回其他复议请求。"


@pytest.fixture
def ref(county):
    return reference_data(county)


@pytest.fixture
def review_officer(make_user):
    return make_user("review_officer")


def organ(**kw):
    return respondent(
        kind="organisation",
        name=kw.pop("name", ORGAN),
        id_type="",
        credit_code=kw.pop("code", credit_code("11330523MB1C2D3E4")),
        **kw,
    )


def apply_at_desk(clerk, ref, *, parties=None, summary=SUMMARY):
    return register(
        clerk,
        ref,
        nature=Case.Nature.ADMINISTRATIVE,
        summary=summary,
        parties=parties or [applicant(name="陈立新"), organ()],
    )


def at_review(clerk, ref, **kw):
    """An application registered at the desk (the 5-working-day clock running) and
    triaged to the review window."""
    case = apply_at_desk(clerk, ref, **kw)
    return workflow.fire(actor=clerk, number=case.number, name="triage", data={"window": "review"})


@pytest.fixture
def application(clerk, ref):
    return at_review(clerk, ref)


def fire(actor, case, name, **data):
    return workflow.fire(actor=actor, number=case.number, name=name, data=data)


def accept_data(case, **kw):
    from django.utils import timezone

    known = timezone.localdate(case.registered_at).isoformat()
    return {"procedure": "ordinary", "act": ACT, "act_known_on": known, **kw}


STEP_INPUT = {
    "review_refuse": {"reason": "申请人与被申请行政复议的行政行为没有利害关系"},
    "review_answer": {"text": ANSWER},  # received_on: today, added by good_input
    "review_extend": {"days": 30, "reason": "案情复杂，需要现场勘验"},
    "review_mediate": {"terms": TERMS},
    "review_decide": {"kind": "revoke", "reasons": REASONS},
    "review_withdraw": {"reason": "申请人与被申请人达成和解"},
}


def good_input(name, case):
    from django.utils import timezone

    if name == "review_accept":
        return accept_data(case)
    data = dict(STEP_INPUT[name])
    if name == "review_answer":
        data["received_on"] = timezone.localdate().isoformat()
    return data


def reach(state, case, *, officer, procedure="ordinary"):
    """Take a triaged case's review to ``state`` by the window's own steps."""
    if state == "applied":
        return case
    if state == "refused":
        return fire(officer, case, "review_refuse", **STEP_INPUT["review_refuse"])
    case = fire(officer, case, "review_accept", **accept_data(case, procedure=procedure))
    if state in ("answered",):
        case = fire(officer, case, "review_answer", **good_input("review_answer", case))
    elif state == "decided":
        case = fire(officer, case, "review_decide", **STEP_INPUT["review_decide"])
    elif state == "mediated":
        case = fire(officer, case, "review_mediate", **STEP_INPUT["review_mediate"])
    elif state == "withdrawn":
        case = fire(officer, case, "review_withdraw", **STEP_INPUT["review_withdraw"])
    return case
