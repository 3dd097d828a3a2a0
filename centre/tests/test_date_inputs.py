"""Every date picker carries an ISO value: a localised one (2026/12/05) shows as empty in
the browser and the required check then refuses the untouched form."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from judicial.forms import CourtOutcomeForm, DelegationForm
from mediation.forms import CorrectionForm


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("form_class", [CourtOutcomeForm, DelegationForm, CorrectionForm])
def test_prefilled_dates_are_iso_in_every_language(time_machine, language, form_class):
    from datetime import date

    time_machine.move_to("2026-12-05 10:00 +08:00")
    with translation.override(language):
        # The agreement's correction is pre-filled with the agreement's own due date.
        initial = {"performance_due": date(2026, 12, 5)} if form_class is CorrectionForm else None
        html = str(form_class(initial=initial))
    values = re.findall(r'type="date"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*type="date"', html)
    assert values and all("2026-12-05" in v for pair in values for v in pair if v), html
