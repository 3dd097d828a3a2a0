"""Every date picker carries an ISO value: a localised one (2026/12/05) shows as empty in
the browser and the required check then refuses the untouched form."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from judicial.forms import CourtOutcomeForm, DelegationForm


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("form_class", [CourtOutcomeForm, DelegationForm])
def test_prefilled_dates_are_iso_in_every_language(time_machine, language, form_class):
    time_machine.move_to("2026-12-05 10:00 +08:00")
    with translation.override(language):
        html = str(form_class())
    values = re.findall(r'type="date"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*type="date"', html)
    assert values and all("2026-12-05" in v for pair in values for v in pair if v), html
