"""The input of a report and of each step, shared by the API and the pages: errors are
keyed by the field they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from centre.forms import BootstrapMixin
from centre.models import Category, Department, Region
from incidents.models import Incident, IncidentCategory

_BOOL = [("true", _("通过")), ("false", _("不通过"))]
# A step's note (说明、理由、意见): a few paragraphs at most, as a warning's note.
NOTE_MAX_LENGTH = 2000


class ReportForm(BootstrapMixin, forms.ModelForm):
    category = forms.ModelChoiceField(
        label=_("事件类别"),
        queryset=IncidentCategory.objects.filter(active=True),
        to_field_name="code",
        error_messages={"invalid_choice": _("没有该事件类别")},
    )
    grid = forms.ModelChoiceField(
        label=_("网格"),
        queryset=Region.objects.filter(level=Region.Level.GRID).select_related("parent"),
        to_field_name="code",
        error_messages={"invalid_choice": _("没有该网格")},
    )

    class Meta:
        model = Incident
        fields = [
            "category",
            "urgency",
            "grade",
            "grid",
            "place",
            "latitude",
            "longitude",
            "involved_count",
            "people",
            "description",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["grade"].required = False

    def clean_grade(self) -> str:
        return self.cleaned_data.get("grade") or Incident.Grade.GENERAL

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("经度和纬度须同时填写"))
        return data


class StepForm(BootstrapMixin, forms.Form):
    def __init__(self, *args: Any, incident: Incident, **kwargs: Any):
        self.incident = incident
        super().__init__(*args, **kwargs)


class NoteForm(StepForm):
    note = forms.CharField(
        label=_("说明"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea
    )


class HandlingForm(StepForm):
    note = forms.CharField(label=_("处置情况"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)


class ReasonForm(StepForm):
    note = forms.CharField(label=_("上报理由"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)


class DepartmentForm(StepForm):
    department = forms.ModelChoiceField(
        label=_("承办部门"),
        queryset=Department.objects.none(),
        error_messages={"invalid_choice": _("没有该部门")},
    )
    note = forms.CharField(
        label=_("交办要求"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            county_id=self.incident.county_id
        )


class ReassignForm(DepartmentForm):
    note = forms.CharField(label=_("改派理由"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)

    def clean_department(self) -> Department:
        department = self.cleaned_data["department"]
        if department.pk == self.incident.department_id:
            raise forms.ValidationError(_("已由该部门承办，请选择其他部门"))
        return department


class ExtendForm(StepForm):
    """延期: the working days asked for (the category's rule says how many at most) and
    why."""

    days = forms.IntegerField(label=_("延长工作日"), min_value=1)
    note = forms.CharField(label=_("延期理由"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)


class VerifyForm(StepForm):
    passed = forms.TypedChoiceField(
        label=_("核查结果"), choices=_BOOL, coerce=lambda v: v in (True, "true", "True", "1")
    )
    note = forms.CharField(
        label=_("核查意见"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any):
        data = kwargs.get("data")
        if data is not None and isinstance(data.get("passed"), bool):
            # JSON sends a boolean; the choice is its text.
            data = {**data, "passed": "true" if data["passed"] else "false"}
            kwargs["data"] = data
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("passed") is False and not (data.get("note") or "").strip():
            self.add_error("note", _("核查不通过须写明理由"))
        return data


class CloseForm(StepForm):
    rating = forms.TypedChoiceField(
        label=_("群众评价"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea
    )


class ToCaseForm(StepForm):
    """What intake needs beyond the incident: the dispute's category and the applicant
    who is told of the case's progress (a phone, like every case's applicant)."""

    case_category = forms.ModelChoiceField(
        label=_("纠纷类别"),
        queryset=Category.objects.filter(active=True),
        to_field_name="code",
        error_messages={"invalid_choice": _("没有该纠纷类别")},
    )
    nature = forms.ChoiceField(label=_("事项性质"), required=False)
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=100)
    applicant_phone = forms.CharField(label=_("申请人电话"), max_length=20)
    respondent_name = forms.CharField(label=_("被申请人"), max_length=100, required=False)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any):
        from intake.models import Case

        super().__init__(*args, **kwargs)
        self.fields["nature"].choices = Case.Nature.choices

    def clean_nature(self) -> str:
        return self.cleaned_data.get("nature") or self.incident.category.case_nature
