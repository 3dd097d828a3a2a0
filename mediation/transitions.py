"""The workflow steps mediation carries out: start_mediation, record_agreement,
fail_mediation (names and fields are the intake issue's contract)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centre.forms import DateInput
from centre.validators import validate_day_in_range
from intake.workflow import TransitionForm, TransitionSpec, register
from mediation import services
from mediation.models import Mediation, Mediator, Organisation, Session


class StartMediationForm(TransitionForm):
    organisation = forms.ModelChoiceField(label=_("调解组织"), queryset=Organisation.objects.none())
    mediators = forms.ModelMultipleChoiceField(label=_("调解员"), queryset=Mediator.objects.none())
    lead = forms.ModelChoiceField(label=_("主持调解员"), queryset=Mediator.objects.none())
    linkage = forms.ChoiceField(
        label=_("联动来源"), required=False, choices=[("", "——"), *Mediation.Linkage.choices]
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        county = self.case.county_id
        self.fields["organisation"].queryset = Organisation.objects.filter(
            county_id=county, active=True
        )
        mediators = Mediator.objects.filter(county_id=county, active=True)
        self.fields["mediators"].queryset = mediators
        self.fields["lead"].queryset = mediators

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lead, mediators, org = data.get("lead"), data.get("mediators"), data.get("organisation")
        if lead is not None and mediators is not None and lead not in mediators:
            self.add_error("lead", _("主持调解员须在所选调解员之中"))
        if (
            lead is not None
            and org is not None
            and not lead.organisations.filter(pk=org.pk).exists()
        ):
            self.add_error("lead", _("主持调解员须属于所选调解组织"))
        if lead is not None and org is not None and not _someone_signs_in(lead, org):
            # The lead's desk is where the case is worked on: led by someone who cannot
            # sign in, in an organisation whose head cannot either, it would sit stranded
            # with nobody to schedule or record sessions.
            self.add_error(
                "lead",
                _("%(name)s没有可登录的系统账号，案件将无人办理，请另选主持调解员")
                % {"name": lead.name},
            )
        return data


def _someone_signs_in(lead: Mediator, org: Organisation) -> bool:
    return any(u is not None and u.is_active for u in (lead.user, org.head))


class RecordAgreementForm(TransitionForm):
    facts = forms.CharField(label=_("纠纷的主要事实"), widget=forms.Textarea(attrs={"rows": 3}))
    disputes = forms.CharField(label=_("争议事项"), widget=forms.Textarea(attrs={"rows": 2}))
    responsibilities = forms.CharField(
        label=_("各方当事人的责任"), widget=forms.Textarea(attrs={"rows": 2})
    )
    terms = forms.CharField(label=_("达成协议的内容"), widget=forms.Textarea(attrs={"rows": 3}))
    performance_method = forms.CharField(
        label=_("履行方式"), widget=forms.Textarea(attrs={"rows": 2})
    )
    performance_due = forms.DateField(
        label=_("履行期限"), widget=DateInput(), validators=[validate_day_in_range]
    )
    signatures = forms.JSONField(label=_("签署情况"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def clean_performance_due(self):
        due = self.cleaned_data["performance_due"]
        if due < timezone.localdate():
            raise ValidationError(_("履行期限不能早于今天"))
        return due

    def clean_signatures(self):
        value = self.cleaned_data["signatures"]
        if not isinstance(value, list):
            raise ValidationError(_("签署情况应为列表"))
        try:
            return services.signatures_check(self.case, value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class FailMediationForm(TransitionForm):
    reason = forms.CharField(
        label=_("调解不成的原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写调解不成的原因")},
    )
    party_refused = forms.BooleanField(
        label=_("当事人拒绝参加调解，未能进行调解"),
        required=False,
        help_text=_("尚未记录已进行的调解时勾选，并在原因中写明哪一方拒绝参加"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A mediation is declared failed (人民调解法 第26条) on what happened in it: at least
        # one session held and recorded (第27条), or the record that a party refused to take
        # part (第17条: a party that clearly refuses is not mediated).
        held = Session.objects.filter(mediation__case=self.case, held_at__isnull=False).exists()
        if not held and not data.get("party_refused"):
            self.add_error(
                "party_refused",
                _(
                    "尚未记录任何一次已进行的调解，不能宣告调解不成：请先记录调解（实际调解时间和"
                    "调解笔录）；当事人拒绝参加调解的，请勾选“当事人拒绝参加调解，未能进行调解”"
                ),
            )
        return data


def _start(case, actor, data):
    services.mediation_start(
        actor=actor,
        case=case,
        organisation=data["organisation"],
        mediators=list(data["mediators"]),
        lead=data["lead"],
        linkage=data.get("linkage", ""),
    )


def _agreement(case, actor, data):
    services.agreement_create(
        actor=actor,
        mediation=case.mediation,
        **{k: data[k] for k in (*services.AGREEMENT_CONTENT, "signatures")},
    )
    services.mediation_end(case=case)


register(
    TransitionSpec(
        name="start_mediation",
        label=_("启动调解"),
        form=StartMediationForm,
        panel_only=True,
        apply=lambda case, d: case.start_mediation(),
        after=_start,
    )
)
register(
    TransitionSpec(
        name="record_agreement",
        label=_("达成调解协议"),
        form=RecordAgreementForm,
        panel_only=True,
        style="success",
        apply=lambda case, d: case.record_agreement(),
        after=_agreement,
    )
)
register(
    TransitionSpec(
        name="fail_mediation",
        label=_("调解不成"),
        form=FailMediationForm,
        note_field="reason",
        style="warning",
        apply=lambda case, d: case.fail_mediation(),
        after=lambda case, actor, d: services.mediation_fail(
            case=case, reason=d["reason"], party_refused=bool(d.get("party_refused"))
        ),
    )
)


class ResumeMediationForm(TransitionForm):
    reason = forms.CharField(
        label=_("再次调解的理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写再次调解的理由")},
    )


def _never_mediated(case) -> str:
    # Mediating again is taken up by the mediators who tried: a case that failed at a
    # window's own process, never mediated here, has none to resume with.
    if Mediation.objects.filter(case=case).exists():
        return ""
    return str(_("本案没有调解记录，不能再次调解"))


register(
    TransitionSpec(
        name="resume_mediation",
        label=_("再次调解"),
        form=ResumeMediationForm,
        note_field="reason",
        style="success",
        unavailable=_never_mediated,
        apply=lambda case, d: case.resume_mediation(),
        after=lambda case, actor, d: services.mediation_resume(
            actor=actor, case=case, reason=d["reason"]
        ),
    )
)
