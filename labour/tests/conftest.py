import pytest

from intake import workflow
from intake.models import Case
from intake.tests.factories import credit_code, reference_data, register, respondent
from labour.models import Arbitrator, MinimumWage


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
