"""Forms of the intake desk. Identity numbers and phones are validated by
``intake.identity`` (python-stdnum, phonenumbers) and errors name the field."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from centre.models import Category, County, Region
from centre.names import ref_name
from centre.validators import CheckedText
from intake import identity
from intake.identity import PERSON_PARTICULARS, Ethnicity, IdType, Sex
from intake.models import Case, CaseParty, Party
from intake.services import MAX_DESCRIPTION_LENGTH, MAX_INVOLVED_COUNT, CaseInput, PartyInput

_C = {"class": "form-control"}
_S = {"class": "form-select"}


def category_choices() -> list[tuple[str, Any]]:
    """Grouped for the picker: each top-level category and its sub-categories."""
    groups: dict[Category, list[tuple[str, str]]] = {}
    for category in Category.objects.filter(active=True).select_related("parent"):
        if category.parent_id is None:
            groups.setdefault(category, []).insert(0, (category.code, ref_name(category)))
        else:
            groups.setdefault(category.parent, []).append(
                (category.code, f"{ref_name(category.parent)} / {ref_name(category)}")
            )
    return [("", "——")] + [
        (ref_name(parent), items)
        for parent, items in sorted(groups.items(), key=lambda g: g[0].code)
    ]


@functools.lru_cache(maxsize=1024)
def search_terms(label: str) -> str:
    """What the category picker's filter matches besides the Chinese text: the pinyin
    initials and full pinyin of each part of ``邻里纠纷 / 相邻关系`` and of the whole, so
    that "ldbc" finds 劳动报酬. Computed here (pypinyin) rather than in the browser, which
    has no pinyin table."""
    parts = [part for part in label.split(" / ") if part]
    terms: list[str] = []
    for text in [*parts, "".join(parts)]:
        for style in (Style.FIRST_LETTER, Style.NORMAL):
            term = "".join(lazy_pinyin(text, style=style, errors="ignore")).lower()
            if term and term not in terms:
                terms.append(term)
    return " ".join(terms)


class CategorySelect(forms.Select):
    """The category picker: a plain select (it works without JS) whose options carry their
    pinyin in ``data-search`` for static/js/desk.js's filter box."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["data-search"] = search_terms(str(label))
        return option


class CaseForm(CheckedText, forms.Form):
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=Case.Channel.choices,
        initial=Case.Channel.WALK_IN,
        widget=forms.Select(attrs=_S),
    )
    nature = forms.ChoiceField(
        label=_("事项性质"),
        choices=Case.Nature.choices,
        initial=Case.Nature.DISPUTE,
        widget=forms.Select(attrs=_S),
    )
    category = forms.ChoiceField(
        label=_("纠纷类别"), widget=CategorySelect(attrs={**_S, "data-category-picker": ""})
    )
    town = forms.ChoiceField(label=_("乡镇/街道"), widget=forms.Select(attrs=_S))
    village = forms.CharField(
        label=_("村/社区"), required=False, widget=forms.Select(attrs=_S, choices=[("", "——")])
    )
    summary = forms.CharField(label=_("事项摘要"), max_length=200, widget=forms.TextInput(attrs=_C))
    description = forms.CharField(
        label=_("事项详情"),
        required=False,
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={**_C, "rows": 3}),
    )
    amount = forms.DecimalField(
        label=_("涉及金额（元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**_C, "step": "0.01"}),
    )
    involved_count = forms.IntegerField(
        label=_("涉及人数"),
        min_value=1,
        max_value=MAX_INVOLVED_COUNT,
        initial=1,
        widget=forms.NumberInput(attrs=_C),
    )

    def __init__(self, *args: Any, county: County, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.county = county
        if not self.is_bound:
            # The clerk starts typing at once; after a failed submit the error summary
            # takes the focus instead (desk.html).
            self.fields["channel"].widget.attrs["autofocus"] = True
        self.fields["category"].choices = category_choices()
        towns = Region.objects.filter(county=county, level=Region.Level.TOWN).order_by("code")
        self.fields["town"].choices = [("", "——")] + [(t.code, t.name) for t in towns]
        # htmx: the suggested window follows nature and category; villages follow the town.
        suggest = {
            "hx-get": reverse("intake:suggest"),
            "hx-trigger": "change",
            "hx-target": "#suggestion",
            "hx-include": "#id_nature, #id_category",
        }
        self.fields["nature"].widget.attrs.update(suggest)
        self.fields["category"].widget.attrs.update(suggest)
        self.fields["town"].widget.attrs.update(
            {
                "hx-get": reverse("intake:villages"),
                "hx-trigger": "change",
                "hx-target": "#id_village",
            }
        )
        town = self.data.get("town") if self.is_bound else None
        # Only a town of the list is looked up: anything else (a NUL byte PostgreSQL
        # refuses) is the town field's own error when the form is cleaned.
        towns = {code for code, _label in self.fields["town"].choices if code}
        if isinstance(town, str) and town in towns:
            villages = Region.objects.filter(parent__code=town, level=Region.Level.VILLAGE)
            self.fields["village"].widget.choices = [("", "——")] + [
                (v.code, v.name) for v in villages.order_by("code")
            ]

    def clean_category(self) -> Category:
        try:
            return Category.objects.get(code=self.cleaned_data["category"], active=True)
        except Category.DoesNotExist as exc:
            raise ValidationError(_("请选择纠纷类别")) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        code = data.get("village") or data.get("town")
        if code:
            region = Region.objects.filter(county=self.county, code=code).first()
            if region is None:
                self.add_error("village" if data.get("village") else "town", _("区划不属于本县"))
            data["region"] = region
        return data


class PartyForm(CheckedText, forms.Form):
    role = forms.ChoiceField(
        label=_("角色"), choices=CaseParty.Role.choices, widget=forms.Select(attrs=_S)
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=Party.Kind.choices,
        initial=Party.Kind.PERSON,
        widget=forms.Select(attrs={**_S, "data-party-kind": ""}),
    )
    name = forms.CharField(label=_("姓名/名称"), max_length=100, widget=forms.TextInput(attrs=_C))
    id_type = forms.ChoiceField(
        label=_("证件类型"),
        required=False,
        choices=[("", "——"), *IdType.choices],
        initial=IdType.RESIDENT_ID,
        widget=forms.Select(attrs=_S),
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={**_C, "autocomplete": "off"}),
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), required=False, max_length=30, widget=forms.TextInput(attrs=_C)
    )
    legal_representative = forms.CharField(
        label=_("法定代表人"), required=False, max_length=50, widget=forms.TextInput(attrs=_C)
    )
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={**_C, "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("地址"), required=False, max_length=200, widget=forms.TextInput(attrs=_C)
    )
    sex = forms.ChoiceField(
        label=_("性别"),
        required=False,
        choices=[("", "——"), *Sex.choices],
        help_text=_("身份证号码已表明的可不填"),
        widget=forms.Select(attrs=_S),
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        help_text=_("身份证号码已表明的可不填"),
        widget=forms.DateInput(attrs={**_C, "type": "date"}),
    )
    ethnicity = forms.ChoiceField(
        label=_("民族"),
        required=False,
        choices=[("", "——"), *Ethnicity.choices],
        widget=forms.Select(attrs=_S),
    )
    occupation = forms.CharField(
        label=_("职业"), required=False, max_length=50, widget=forms.TextInput(attrs=_C)
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # htmx: typing an ID number or phone shows the party's earlier cases (重复来访).
        # POSTed: full ID numbers and phones never travel in a URL (proxy logs keep them).
        lookup = {
            "hx-post": reverse("intake:party_lookup"),
            "hx-trigger": "input changed delay:400ms, change",
            "hx-target": f"#history-{self.prefix}",
            "hx-include": f"#party-{self.prefix}",
            "hx-vals": json.dumps({"prefix": self.prefix}),
        }
        self.fields["id_number"].widget.attrs.update(lookup)
        self.fields["phone"].widget.attrs.update(lookup)
        # desk.js checks these as they are typed, through party_field_error below.
        for name in CHECKED_FIELDS:
            self.fields[name].widget.attrs["data-check"] = name

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        return identity.normalize_phone(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A field the party's kind does not use is hidden at the desk (desk.js) and is
        # neither checked nor kept, so a value left in it never blocks the registration.
        unused = {
            Party.Kind.ORGANISATION: ("id_type", "id_number"),
            Party.Kind.PERSON: ("credit_code", "legal_representative"),
        }.get(data.get("kind"), ())
        if data.get("kind") == Party.Kind.ORGANISATION:
            unused += PERSON_PARTICULARS
        for name in unused:
            self.errors.pop(name, None)
            data[name] = None if name == "birth_date" else ""
        if data.get("credit_code"):
            try:
                data["credit_code"] = identity.normalize_credit_code(data["credit_code"])
            except ValidationError as exc:
                self.add_error("credit_code", exc)
        if data.get("id_number"):
            id_type = data.get("id_type") or IdType.RESIDENT_ID
            try:
                data["id_number"] = identity.normalize_id_number(id_type, data["id_number"])
                data["id_type"] = id_type
            except ValidationError as exc:
                self.add_error("id_number", exc)
        elif data.get("kind") == Party.Kind.PERSON:
            data["id_type"] = ""
        if "id_number" not in self.errors:
            for name, message in identity.check_particulars(
                data.get("id_type", ""),
                data.get("id_number", ""),
                data.get("sex", ""),
                data.get("birth_date"),
            ).items():
                self.add_error(name, message)
        return data

    def to_input(self) -> PartyInput:
        d = self.cleaned_data
        return PartyInput(
            role=d["role"],
            kind=d["kind"],
            name=d["name"],
            id_type=d.get("id_type", "") if d["kind"] == Party.Kind.PERSON else "",
            id_number=d.get("id_number", "") if d["kind"] == Party.Kind.PERSON else "",
            credit_code=d.get("credit_code", "") if d["kind"] == Party.Kind.ORGANISATION else "",
            legal_representative=d.get("legal_representative", ""),
            phone=d.get("phone", ""),
            address=d.get("address", ""),
            **identity.kept_particulars(d),
        )


# The party fields checked as they are typed (intake.views.field_check).
CHECKED_FIELDS = ("id_number", "phone", "credit_code")
# A party row's form prefix, as the formset and party_form name them.
PARTY_PREFIX_RE = re.compile(r"parties-\d{1,2}")


def party_field_error(data: Any, *, prefix: str, field: str) -> str:
    """The message the desk would show under one field of one party row if the form were
    submitted now: the same form and validators, so the two never disagree. Empty when
    the field is fine (or not filled in yet)."""
    form = PartyForm(data, prefix=prefix)
    form.is_valid()
    errors = form.errors.get(field)
    if not errors:
        return ""
    return _("%(label)s：%(error)s") % {"label": form.fields[field].label, "error": errors[0]}


class BasePartyFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        roles = [f.cleaned_data.get("role") for f in self.forms if f.cleaned_data]
        if CaseParty.Role.APPLICANT not in roles:
            raise ValidationError(_("至少需要一名申请人"))


PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=0, min_num=1, validate_min=True, max_num=50
)


def error_summary(case_form: CaseForm, parties: forms.BaseFormSet) -> list[dict[str, str]]:
    """Each error of a failed registration, for the summary at the top of the desk: its
    text and the element it links to. Fields in error are marked for Bootstrap
    (is-invalid) and for screen readers (aria-invalid, aria-describedby)."""
    summary: list[dict[str, str]] = []

    def collect(form: forms.Form, anchor: str) -> None:
        for name, errors in form.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
                summary.extend({"anchor": anchor, "text": str(e)} for e in errors)
                continue
            bound = form[name]
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{bound.id_for_label}-error"
            summary.extend(
                {
                    "anchor": bound.id_for_label,
                    "text": _("%(label)s：%(error)s") % {"label": bound.label, "error": e},
                }
                for e in errors
            )

    collect(case_form, "register-form")
    summary.extend({"anchor": "party-list", "text": str(e)} for e in parties.non_form_errors())
    for form in parties.forms:
        collect(form, f"party-{form.prefix}")
    return summary


def initial_parties() -> list[dict[str, str]]:
    """A walk-in usually has one applicant and one respondent."""
    return [{"role": CaseParty.Role.APPLICANT}, {"role": CaseParty.Role.RESPONDENT}]


def case_input(case_form: CaseForm, parties: forms.BaseFormSet) -> CaseInput:
    d = case_form.cleaned_data
    return CaseInput(
        channel=d["channel"],
        nature=d["nature"],
        category=d["category"],
        summary=d["summary"],
        description=d.get("description", ""),
        region=d["region"],
        amount=d.get("amount"),
        involved_count=d["involved_count"],
        parties=[f.to_input() for f in parties.forms if f.cleaned_data],
    )


class RiskForm(CheckedText, forms.Form):
    level = forms.ChoiceField(
        label=_("风险等级"), choices=Case.RiskLevel.choices, widget=forms.Select(attrs=_S)
    )
    reason = forms.CharField(label=_("理由"), max_length=200, widget=forms.TextInput(attrs=_C))


class AttachmentForm(CheckedText, forms.Form):
    file = forms.FileField(label=_("附件"), widget=forms.ClearableFileInput(attrs=_C))


class ProgressForm(CheckedText, forms.Form):
    number = forms.CharField(
        label=_("案件编号"),
        max_length=32,
        widget=forms.TextInput(attrs={**_C, "placeholder": "330523-2026-000001"}),
    )
    phone_last4 = forms.RegexField(
        label=_("申请人手机号后四位"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("请输入4位数字")},
        widget=forms.TextInput(attrs={**_C, "inputmode": "numeric", "maxlength": 4}),
    )


class ProgressCodeForm(forms.Form):
    """The one-time code of the progress page (intake.public): six digits by SMS."""

    number = forms.CharField(max_length=32, widget=forms.HiddenInput)
    code = forms.RegexField(
        label=_("短信验证码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("请输入6位数字验证码"), "required": _("请输入6位数字验证码")},
        widget=forms.TextInput(
            attrs={**_C, "inputmode": "numeric", "maxlength": 6, "autocomplete": "one-time-code"}
        ),
    )
