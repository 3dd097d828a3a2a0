"""A natural person's particulars for the legal documents (sex, birth date, ethnicity,
occupation): told at the desk or through the API, checked against the ID number, which
states sex and birth date itself and is not contradicted or copied."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from intake.forms import PartyForm
from intake.identity import Ethnicity
from intake.models import Case, Party
from intake.tests.factories import resident_id
from intake.tests.test_api import _body

pytestmark = pytest.mark.django_db


def _post(clerk, body):
    api = APIClient()
    api.force_authenticate(clerk)
    return api.post("/api/v1/cases/", body, format="json")


def test_the_56_ethnic_groups_are_offered_once_each():
    labels = [str(label) for label in Ethnicity.labels]
    assert len(labels) == len(set(labels)) == 56
    assert labels[0] == "汉族" and "畲族" in labels and labels[-1] == "基诺族"


def test_particulars_are_kept_and_the_id_number_states_sex_and_birth(clerk, ref):
    body = _body(ref)
    body["parties"][0].update(
        sex="male", birth_date="1965-04-12", ethnicity="22", occupation="农民"
    )
    response = _post(clerk, body)
    assert response.status_code == 201, response.json()
    person = Party.objects.get(kind="person")
    assert (person.ethnicity, person.occupation) == ("22", "农民")
    assert person.get_ethnicity_display() == "畲族"
    # Stated by the number (19650412, 17th digit odd): not kept as a second copy.
    assert (person.sex, person.birth_date) == ("", None)


def test_a_passport_holder_s_sex_and_birth_date_are_kept_as_told(clerk, ref):
    body = _body(ref)
    body["parties"][0].update(
        id_type="passport", id_number="E12345678", sex="female", birth_date="1988-02-29"
    )
    assert _post(clerk, body).status_code == 201
    person = Party.objects.get(kind="person")
    assert (person.sex, person.birth_date) == ("female", date(1988, 2, 29))


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("sex", "female", "与证件号码不符：号码第17位表明性别为男"),
        ("birth_date", "1965-04-13", "与证件号码不符：号码表明出生日期为1965年4月12日"),
        ("ethnicity", "57", "不是合法选项"),
        ("ethnicity", "汉族", "不是合法选项"),
    ],
)
def test_a_contradiction_or_unknown_value_is_refused_naming_the_field(
    clerk, ref, field, value, text
):
    body = _body(ref)
    body["parties"][0][field] = value
    response = _post(clerk, body)
    assert response.status_code == 400
    [message] = response.json()["errors"][f"parties[0].{field}"]
    assert text in message, message
    assert not Case.objects.exists() and not Party.objects.exists()


def test_a_birth_date_in_the_future_is_refused_for_a_passport(clerk, ref):
    body = _body(ref)
    body["parties"][0].update(id_type="passport", id_number="E12345678", birth_date="2999-01-01")
    response = _post(clerk, body)
    assert response.status_code == 400
    assert "出生日期晚于今天" in response.json()["errors"]["parties[0].birth_date"][0]


def _desk(**over):
    data = {
        "p-role": "applicant",
        "p-kind": "person",
        "p-name": "张建华",
        "p-id_type": "resident_id",
        "p-id_number": resident_id("19650412", serial=124),
        "p-phone": "13957212345",
    }
    data.update({f"p-{k}": v for k, v in over.items()})
    return PartyForm(data, prefix="p")


def test_the_desk_form_checks_particulars_against_the_number():
    form = _desk(sex="male", ethnicity="01", occupation="个体经营")
    assert not form.is_valid()
    assert "号码第17位表明性别为女" in form.errors["sex"][0]
    form = _desk(sex="female", ethnicity="01", occupation="个体经营")
    assert form.is_valid(), form.errors
    party = form.to_input()
    assert (party.sex, party.birth_date, party.ethnicity, party.occupation) == (
        "",
        None,
        "01",
        "个体经营",
    )


def test_an_organisation_keeps_no_person_particulars():
    form = PartyForm(
        {
            "p-role": "respondent",
            "p-kind": "organisation",
            "p-name": "安吉某竹木制品有限公司",
            "p-sex": "male",
            "p-ethnicity": "01",
            "p-occupation": "农民",
        },
        prefix="p",
    )
    assert form.is_valid(), form.errors
    party = form.to_input()
    assert (party.sex, party.ethnicity, party.occupation) == ("", "", "")
