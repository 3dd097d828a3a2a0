"""English pages read as English: reference data by its English name and no full-width
Chinese punctuation (，。：；（）) in the text a user sees, outside what users typed
themselves (party names, a case's summary).

A mark between two Chinese characters belongs to Chinese text (a reference name without
an English one, a message not translated yet: the translators' list); one that touches
English words or figures is the page's own mistake ("Window：Mediation", "Cases（3）")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from intake.tests.factories import reference_data, register
from mediation.tests.factories import mediator, organisation, start
from risk.dashboard import rollups

pytestmark = pytest.mark.django_db

CJK = "\u3400-\u9fff"
# A full-width mark with something other than Chinese on at least one side (the ends of
# a piece of text count as Chinese: "暂无事件。" is a Chinese sentence, "Done。" is not).
FULL_WIDTH = re.compile(
    f"(?<![{CJK}，。：；（）])[，。：；（）]|[，。：；（）](?![{CJK}，。：；（）])"
)
# Text a person sees besides the elements' content.
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _VisibleText(HTMLParser):
    """The text of a page as a reader meets it: no scripts, styles or templates."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1
        elif not self.depth:
            self.chunks += [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.chunks.append(data.strip())


def full_width_in(html: str, user_data: tuple[str, ...]) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for chunk in parser.chunks:
        for typed in user_data:
            chunk = chunk.replace(typed, "")
        if FULL_WIDTH.search(f"中{chunk}中"):
            found.append(chunk)
    return found


@pytest.fixture
def english_case(county, clerk):
    ref = reference_data(county)
    ref["town"].name_en = "Tianhuangping Town"
    ref["town"].save()
    for category, name_en in (
        (ref["category"], "Adjoining property"),
        (ref["parent_category"], "Neighbour disputes"),
    ):
        category.name_en = name_en
        category.save()
    return register(clerk, ref, summary="A wall blocks the lane")


# What people typed or named (parties, places without an English name, organisations).
USER_DATA = (
    "张建华",
    "李国强",
    "余村村",
    "A wall blocks the lane",
    "安吉县人民调解委员会",
    "陈建国",
)


def _english(client, user, url):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()
    return response.content.decode()


def test_the_desk_in_english_has_no_full_width_punctuation(client, clerk, english_case):
    page = _english(client, clerk, reverse("intake:desk"))
    assert "Neighbour disputes / Adjoining property" in page  # the category picker
    assert "People&#x27;s mediation period" in page  # the deadline calculator
    assert full_width_in(page, USER_DATA) == []


def test_the_case_page_in_english_has_no_full_width_punctuation(client, clerk, english_case):
    page = _english(client, clerk, reverse("intake:case", args=[english_case.number]))
    assert "Neighbour disputes / Adjoining property" in page
    assert full_width_in(page, USER_DATA) == []


def test_a_case_in_mediation_in_english_has_no_full_width_punctuation(
    client, county, supervisor, make_user, english_case
):
    """The case page with its clocks and the mediation panel, as the mediator reads it."""
    org = organisation(county)
    user = make_user("mediator", "mediator")
    chen = mediator(county, "陈建国", orgs=[org], user=user, rank=1)
    start(english_case, supervisor, org, [chen])
    page = _english(client, user, reverse("intake:case", args=[english_case.number]))
    assert "People&#x27;s mediation period" in page  # the clock's rule
    assert full_width_in(page, USER_DATA) == []


def test_the_dashboard_in_english_has_no_full_width_punctuation(client, leader, english_case):
    page = _english(client, leader, reverse("risk:dashboard"))
    assert "Tianhuangping Town" in page  # the town filter
    assert "Mediation services" in page  # the window filter
    assert full_width_in(page, USER_DATA) == []


def test_the_stats_api_names_towns_and_categories_in_english(leader, english_case):
    rollups.rebuild()
    today = timezone.localdate().isoformat()
    api = APIClient()
    api.force_authenticate(leader)
    body = api.get(f"/api/v1/stats/overview/?from={today}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["total"] == 1, body
    assert [t["name"] for t in body["by_town"]] == ["Tianhuangping Town"]
    assert [c["name"] for c in body["by_category"]] == ["Neighbour disputes"]
