"""Quality figures: 满意率 and 重办率 per window, lead mediator, organisation and town, each
with numerator, denominator and definition; one grouped query per table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import selectors, services
from feedback.models import Rating
from feedback.tests.conftest import close
from intake import workflow
from intake.tests.factories import applicant, register
from mediation.tests.factories import mediator, organisation, start

pytestmark = pytest.mark.django_db


def rated(case, value):
    case.refresh_from_db()
    party = case.case_parties.get(role="applicant").party
    return services.rating_submit(
        case=case, party=party, value=value, channel=Rating.Channel.PROGRESS
    )


@pytest.fixture
def world(county, ref, clerk, supervisor, make_user):
    """Three mediated cases under 陈建国 (村调委会) and one referred to the petition window:
    rated 满意, 基本满意, 不满意 (reopened), 不满意 (kept)."""
    org = organisation(county, "余村村人民调解委员会", kind="village")
    chen = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "chen"))
    mediated = []
    for n in range(3):
        case = register(clerk, ref, parties=[applicant(phone=f"1395721{n:04d}")])
        start(case, supervisor, org, [chen])
        workflow.fire(actor=clerk, number=case.number, name="withdraw", data={"reason": "和解"})
        mediated.append(case)
    referred = register(clerk, ref, parties=[applicant(phone="13957219999")])
    workflow.fire(
        actor=clerk, number=referred.number, name="refer", data={"window": "petition", "note": "x"}
    )
    close(clerk, referred)
    rated(mediated[0], "satisfied")
    rated(mediated[1], "basically_satisfied")
    reopened = rated(mediated[2], "dissatisfied").rework
    kept = rated(referred, "dissatisfied").rework
    today = timezone.localdate()
    for ticket in (reopened, kept):
        services.ticket_call_back(actor=supervisor, ticket_id=ticket.pk, on=today, summary="已回访")
    services.ticket_reopen(
        actor=supervisor, ticket_id=reopened.pk, to_state="mediating", reason="重新调解"
    )
    services.ticket_keep(actor=supervisor, ticket_id=kept.pk, explanation="依法答复")
    return {"county": county, "chen": chen, "org": org}


def figures(world, django_assert_num_queries=None):
    today = timezone.localdate()
    return selectors.quality_figures(
        counties=[world["county"]], date_from=today - timedelta(days=30), date_to=today
    )


def nd(rate):
    return rate["numerator"], rate["denominator"], rate["value"]


def test_the_rates_and_their_parts(world):
    out = figures(world)
    assert nd(out["total"]["satisfaction"]) == (2, 4, 50.0)
    assert nd(out["total"]["rework"]) == (1, 4, 25.0)
    windows = {r["code"]: r for r in out["windows"]}
    assert nd(windows["mediation"]["satisfaction"]) == (2, 3, 66.7)
    assert nd(windows["mediation"]["rework"]) == (1, 3, 33.3)
    assert nd(windows["petition"]["satisfaction"]) == (0, 1, 0.0)
    assert nd(windows["petition"]["rework"]) == (0, 1, 0.0)  # kept after the call-back
    [chen] = out["mediators"]
    assert (chen["name"], chen["n"]) == ("陈建国", 3)
    assert nd(chen["satisfaction"]) == (2, 3, 66.7)
    [org] = out["organisations"]
    assert (org["name"], org["n"]) == ("余村村人民调解委员会", 3)
    [town] = out["towns"]
    assert (town["name"], town["n"]) == ("天荒坪镇", 4)


def test_each_rate_states_its_definition(world):
    definitions = {d["key"]: str(d["text"]) for d in figures(world)["definitions"]}
    assert "“满意”或“基本满意”的评价数 ÷ 评价总数" in definitions["satisfaction"]
    assert "回访后重新办理的评价数 ÷ 评价总数" in definitions["rework"]
    assert "维持原结果的不计入分子" in definitions["rework"]


def test_one_query_per_table(world, django_assert_num_queries):
    with django_assert_num_queries(4):  # four tables, the totals summed from the windows
        figures(world)


def test_the_mediators_own_figures(world, django_assert_num_queries):
    today = timezone.localdate()
    with django_assert_num_queries(1):
        own = selectors.mediator_figures(
            mediator_id=world["chen"].pk, date_from=today - timedelta(days=365), date_to=today
        )
    assert nd(own["satisfaction"]) == (2, 3, 66.7) and nd(own["rework"]) == (1, 3, 33.3)


def test_the_dashboard_shows_the_figures_and_definitions(client, world, leader):
    client.force_login(leader)
    page = client.get("/risk/").content.decode()
    assert 'id="quality-figures"' in page
    assert "满意率" in page and "重办率" in page
    assert "2 / 4" in page and "1 / 4" in page
    assert "回访后重新办理的评价数 ÷ 评价总数" in page
    assert "陈建国" in page and "余村村人民调解委员会" in page


def test_the_mediators_record_shows_the_rates_for_the_grade_review(client, world, sysadmin):
    client.force_login(sysadmin)
    page = client.get(f"/admin/mediation/mediator/{world['chen'].pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "质效评价（供等级评定参考）" in text
    assert "近一年满意率：66.7%（2/3）" in text and "近一年重办率：33.3%（1/3）" in text
