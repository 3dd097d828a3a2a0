"""Reference data in the reader's language: the English name where one is set, the
Chinese name otherwise, on every page and in the API's English mode."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation
from rest_framework.test import APIClient

from centre.models import Category, DeadlineRule, Region, Window

pytestmark = pytest.mark.django_db


def _render(obj) -> str:
    return Template("{% load centre_tags %}{{ obj|ref_name }}").render(Context({"obj": obj}))


def test_english_pages_name_reference_data_in_english_when_it_is_set():
    mediation = Window.objects.get(code="mediation")
    unnamed = Category.objects.create(code="77", name="山林纠纷")  # no English name yet
    with translation.override("en"):
        assert _render(mediation) == "Mediation services"
        assert str(mediation) == "Mediation services"  # form choices use str()
        assert _render(unnamed) == "山林纠纷"  # nothing to show but the Chinese name
    with translation.override("zh-hans"):
        assert _render(mediation) == "调解服务"
        assert str(mediation) == "调解服务"


def test_the_seeded_windows_and_rules_have_english_names():
    assert not Window.objects.filter(name_en="").exists()
    assert not DeadlineRule.objects.filter(name_en="").exists()
    rule = DeadlineRule.objects.get(code="mediation_people")
    with translation.override("en"):
        assert _render(rule) == "People&#x27;s mediation period"  # escaped as HTML


def test_the_demo_towns_and_categories_have_english_names(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    assert not Region.objects.filter(level=Region.Level.TOWN, name_en="").exists()
    assert not Category.objects.filter(name_en="").exists()
    with translation.override("en"):
        assert _render(Region.objects.get(name="递铺街道")) == "Dipu Subdistrict"
        assert str(Category.objects.get(code="0202")) == "0202 Homestead land"


def test_the_api_names_reference_data_in_the_language_asked_for(clerk, county):
    api = APIClient()
    api.force_authenticate(clerk)
    Category.objects.create(code="02", name="邻里纠纷", name_en="Neighbour disputes")
    Region.objects.create(
        county=county, code="330523001", name="递铺街道", name_en="Dipu Subdistrict", level="town"
    )
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    windows = {w["code"]: w["name"] for w in api.get("/api/v1/windows/", **english).json()}
    assert windows["mediation"] == "Mediation services"
    categories = api.get("/api/v1/categories/", **english).json()
    assert {"code": "02", "name": "Neighbour disputes", "parent": None} in categories
    towns = api.get(f"/api/v1/regions/?parent={county.code}", **english).json()
    assert [t["name"] for t in towns] == ["Dipu Subdistrict"]
    # Chinese by default, whatever was asked before.
    windows = {w["code"]: w["name"] for w in api.get("/api/v1/windows/").json()}
    assert windows["mediation"] == "调解服务"
