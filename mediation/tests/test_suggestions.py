"""The ranked suggestion: specialty, organisation and region fit, grade, rota, load."""

from __future__ import annotations

from datetime import date

import pytest

from centre.tests.factories import CategoryFactory, RegionFactory
from intake.tests.factories import register
from mediation.models import RotaEntry
from mediation.selectors import suggest_mediators
from mediation.tests.factories import mediator, organisation, start

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)


def test_specialty_beats_no_specialty(county, ref, clerk):
    org = organisation(county)
    expert = mediator(county, "邻里专家", orgs=[org], specialties=[ref["category"]])
    family = mediator(county, "大类专家", orgs=[org], specialties=[ref["parent_category"]])
    plain = mediator(county, "普通调解员", orgs=[org])
    case = register(clerk, ref)
    ranked = suggest_mediators(case, on=MONDAY)
    assert [s.mediator for s in ranked] == [expert, family, plain]
    assert "擅长相邻关系" in ranked[0].reasons
    assert "擅长邻里纠纷（大类）" in ranked[1].reasons


def test_the_busy_drop_below_the_idle(county, ref, clerk, supervisor, make_user):
    org = organisation(county)
    busy = mediator(
        county, "忙碌", orgs=[org], specialties=[ref["category"]], user=make_user("mediator")
    )
    idle = mediator(county, "空闲", orgs=[org], specialties=[ref["category"]])
    for _ in range(3):
        start(register(clerk, ref), supervisor, org, [busy])
    ranked = suggest_mediators(register(clerk, ref), on=MONDAY)
    assert [s.mediator for s in ranked] == [idle, busy]
    assert ranked[1].open_cases == 3 and "在办3件" in ranked[1].reasons


def test_being_on_the_rota_that_day_counts(county, ref, clerk):
    org = organisation(county)
    weekday = mediator(county, "工作日", orgs=[org], weekdays="1,2,3,4,5")
    weekend = mediator(county, "周末", orgs=[org], weekdays="6,7")
    case = register(clerk, ref)
    assert suggest_mediators(case, on=MONDAY)[0].mediator == weekday
    saturday = date(2026, 11, 28)
    top = suggest_mediators(case, on=saturday)[0]
    assert top.mediator == weekend and "当日在中心轮驻" in top.reasons


def test_a_seasonal_rota_applies_only_in_its_season(county, ref, clerk):
    org = organisation(county)
    seasonal = mediator(county, "春节前轮驻", orgs=[org], weekdays=None)
    RotaEntry.objects.create(
        mediator=seasonal,
        weekdays="1,2,3,4,5",
        valid_from=date(2027, 1, 15),
        valid_to=date(2027, 2, 5),
    )
    regular = mediator(county, "常驻", orgs=[org], weekdays=None)
    case = register(clerk, ref)
    assert not next(s for s in suggest_mediators(case, on=MONDAY) if s.mediator == seasonal).on_rota
    in_season = suggest_mediators(case, on=date(2027, 1, 18))
    assert in_season[0].mediator == seasonal and not any(
        s.on_rota for s in in_season if s.mediator == regular
    )


def test_the_organisation_serving_the_place_and_taking_the_category(county, ref, clerk):
    town_org = organisation(
        county,
        "天荒坪镇人民调解委员会",
        kind="town",
        categories=[ref["parent_category"]],
        regions=[ref["town"]],
    )
    other_town = CategoryFactory(code="77", name="其他")
    far_org = organisation(county, "远处调委会", kind="town", categories=[other_town], regions=[])
    local = mediator(county, "本地", orgs=[town_org])
    far = mediator(county, "外地", orgs=[far_org])
    ranked = suggest_mediators(register(clerk, ref), on=MONDAY)
    assert [s.mediator for s in ranked] == [local, far]
    assert "服务余村村" in ranked[0].reasons
    assert "天荒坪镇人民调解委员会受理此类纠纷" in ranked[0].reasons


def test_higher_grade_ranks_higher_all_else_equal(county, ref, clerk):
    org = organisation(county)
    junior = mediator(county, "四级", orgs=[org], rank=5)
    chief = mediator(county, "首席", orgs=[org], rank=1)
    ranked = suggest_mediators(register(clerk, ref), on=MONDAY)
    assert [s.mediator for s in ranked] == [chief, junior]


def test_inactive_mediators_are_not_suggested(county, ref, clerk):
    org = organisation(county)
    gone = mediator(county, "离岗", orgs=[org])
    gone.active = False
    gone.save()
    assert suggest_mediators(register(clerk, ref), on=MONDAY) == []


def test_limited_to_one_organisation_when_asked(county, ref, clerk):
    a, b = organisation(county, "甲"), organisation(county, "乙")
    in_a, in_b = mediator(county, "甲员", orgs=[a]), mediator(county, "乙员", orgs=[b])
    ranked = suggest_mediators(register(clerk, ref), on=MONDAY, organisation=b)
    assert [s.mediator for s in ranked] == [in_b]
    assert in_a not in [s.mediator for s in ranked]


def test_the_towns_own_committee_ranks_above_another_towns_volunteers(county, ref, clerk):
    """Another town's volunteer who knows the category well still comes after the
    committee of the dispute's own town: they serve elsewhere."""
    own = organisation(county, "天荒坪镇人民调解委员会", kind="town", regions=[ref["town"]])
    elsewhere_region = RegionFactory(code="330523001", name="递铺街道", county=county)
    other = organisation(county, "递铺街道人民调解委员会", kind="town", regions=[elsewhere_region])
    volunteer = mediator(
        county,
        "钱卫民",
        orgs=[other],
        rank=1,
        background="volunteer",
        specialties=[ref["category"]],
    )
    local = mediator(county, "本镇", orgs=[own], rank=4)
    ranked = suggest_mediators(register(clerk, ref), on=MONDAY)
    assert [s.mediator for s in ranked] == [local, volunteer]
    assert ranked[1].score > ranked[0].score  # ranked by place first, not by points
    assert ranked[1].out_of_area and "服务其他地区（递铺街道）" in ranked[1].reasons


def test_the_score_is_the_sum_of_its_reasons(county, ref, clerk):
    org = organisation(county, regions=[])
    chen = mediator(county, "陈建国", orgs=[org], rank=1, specialties=[ref["category"]])
    top = suggest_mediators(register(clerk, ref), on=MONDAY)[0]
    assert top.mediator == chen
    assert top.score == sum(points for _reason, points in top.points)
    assert ("服务全县", 5) in top.points and ("在办0件", 0) in top.points
    assert [reason for reason, _points in top.points] == top.reasons


def test_who_can_sign_in_is_known(county, ref, clerk, make_user):
    org = organisation(county)
    with_account = mediator(county, "陈建国", orgs=[org], user=make_user("mediator", "m1"))
    gone = make_user("mediator", "m2")
    gone.is_active = False
    gone.save()
    left = mediator(county, "李秀兰", orgs=[org], user=gone)
    without = mediator(county, "周国平", orgs=[org])
    signs_in = {s.mediator: s.can_sign_in for s in suggest_mediators(register(clerk, ref))}
    assert signs_in == {with_account: True, left: False, without: False}
