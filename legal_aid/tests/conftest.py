import pytest

from intake import workflow
from intake.models import Case
from intake.tests.factories import applicant, reference_data, register, respondent
from legal_aid.models import Provider

MATTER = "追索拖欠的劳动报酬"
# 第42条第3项: a migrant worker claiming wages needs no check of means.
GRANT = {"matter": MATTER, "ground": "exempt", "exempt_category": "wages"}
HARDSHIP = "申请人家庭人均月收入低于本县最低生活保障标准，无其他财产"
REFUSAL = "申请人家庭经济状况不符合本县经济困难标准"
OBJECTION = "申请人已失业半年，家庭收入证明未被采信"


@pytest.fixture
def ref(county):
    return reference_data(county)


@pytest.fixture
def provider(county):
    return Provider.objects.create(
        county=county,
        kind=Provider.Kind.LAWYER,
        name="周明远",
        organisation="浙江昌硕律师事务所",
        licence_number="13305201010234561",
        phone="0572-5100000",
    )


@pytest.fixture
def application(clerk, ref):
    """A legal-aid application registered at the desk (the 7-day decision clock running)."""
    return apply_at_desk(clerk, ref)


@pytest.fixture
def triaged(clerk, application):
    """The application triaged to the legal-aid window, its process not begun."""
    return workflow.fire(
        actor=clerk, number=application.number, name="triage", data={"window": "legal_aid"}
    )


def apply_at_desk(clerk, ref, nature=Case.Nature.LEGAL_AID, summary="追索拖欠的工资3万元"):
    return register(
        clerk,
        ref,
        nature=nature,
        summary=summary,
        parties=[applicant(name="王秀英"), respondent(name="安吉宏达建筑有限公司")],
    )


def fire(actor, case, name, **data):
    return workflow.fire(actor=actor, number=case.number, name=name, data=data)


def reach(state, case, *, officer, supervisor, provider):
    """Take a triaged case's legal aid to ``state`` by the window's own steps."""
    if state == "applied":
        return case
    if state in ("granted", "assigned"):
        case = fire(officer, case, "legal_aid_grant", **GRANT)
        if state == "assigned":
            case = fire(officer, case, "legal_aid_assign", provider=provider.pk)
        return case
    case = fire(officer, case, "legal_aid_refuse", reason=REFUSAL)
    if state in ("objected", "upheld"):
        case = fire(officer, case, "legal_aid_object", reason=OBJECTION)
    if state == "upheld":
        case = fire(
            supervisor, case, "legal_aid_objection_decide", decision="upheld", reason="核查属实"
        )
    return case
