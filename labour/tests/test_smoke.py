"""The labour window end to end: a wage-arrears complaint from acceptance to the order and
its conclusion; a labour dispute from failed mediation to arbitration and award."""

from __future__ import annotations

import pytest

from centre.models import Clock
from intake.models import Case, CaseDocument
from labour.models import Arbitration, LabourInspection
from labour.tests.conftest import at_labour, fire

pytestmark = pytest.mark.django_db


def test_a_wage_arrears_complaint_to_the_order_and_conclusion(
    clerk, labour_inspector, ref, django_capture_on_commit_callbacks
):
    case = at_labour(clerk, ref, involved_count=12, amount="186000")
    assert Clock.objects.filter(
        case_number=case.number, rule__code="labour_inspection_accept", stopped_at__isnull=True
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        case = fire(
            labour_inspector, case, "labour_inspection_accept", workers=12, owed_amount="186000"
        )
        assert case.state == Case.State.HANDLING
        case = fire(
            labour_inspector,
            case,
            "labour_inspection_order",
            kind="pay",
            items="拖欠12名劳动者2026年9月至11月工资",
            amount="186000",
            deadline="2099-01-15",
        )
    inspection = LabourInspection.objects.get(case=case)
    assert inspection.state == "ordered"
    assert CaseDocument.objects.get(case=case, kind="labour_order").status == "ready"
    case = fire(
        labour_inspector,
        case,
        "labour_inspection_conclude",
        conclusion="paid",
        recovered="186000",
        result="已足额支付",
    )
    assert case.state == Case.State.CLOSED and case.outcome == Case.Outcome.RESOLVED


def test_a_labour_dispute_from_mediation_to_an_award(
    clerk, arbitrator_user, arbitrators, minimum_wage, ref, django_capture_on_commit_callbacks
):
    case = at_labour(clerk, ref, nature=Case.Nature.DISPUTE, summary="解除劳动合同经济补偿争议")
    case = fire(
        clerk,
        case,
        "labour_arbitration_apply",
        claims="支付经济补偿金20000元",
        kind="pay",
        amount="20000",
    )
    assert case.state == Case.State.HANDLING
    with django_capture_on_commit_callbacks(execute=True):
        case = fire(
            arbitrator_user,
            case,
            "labour_arbitration_accept",
            arbitrators=[a.pk for a in arbitrators],
            presiding=arbitrators[0].pk,
        )
        case = fire(
            arbitrator_user,
            case,
            "labour_arbitration_award",
            facts="申请人在被申请人处工作三年",
            text="被申请人支付经济补偿金20000元",
            amount="20000",
        )
    arbitration = Arbitration.objects.get(case=case)
    assert arbitration.final  # 20000 ≤ 12 × 2290
    assert CaseDocument.objects.get(case=case, kind="arbitration_award").status == "ready"
