"""The one door: parties, cases with their workflow, timeline, attachments, documents."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from centre.models import Category, County, CountyYearCounter, Region, Window
from intake import notes
from intake.identity import Ethnicity, IdType, Sex

# Public contract: the transition names and their role permissions.
ROLE_PERMS = {
    "triage": "intake.triage_case",
    "refer": "intake.refer_case",
    "start_mediation": "intake.start_mediation_case",
    "record_agreement": "intake.record_agreement_case",
    "fail_mediation": "intake.fail_mediation_case",
    "apply_confirmation": "intake.apply_confirmation_case",
    "confirm": "intake.confirm_case",
    "refuse_confirmation": "intake.refuse_confirmation_case",
    "not_accept_confirmation": "intake.not_accept_confirmation_case",
    "hand_off": "intake.hand_off_case",
    "close": "intake.close_case",
    "withdraw": "intake.withdraw_case",
    # A dissatisfied party's rework ticket (feedback app) sends a closed case back.
    "reopen": "intake.reopen_case",
    # Mediating again after a failure is the same right as starting a mediation.
    "resume_mediation": "intake.start_mediation_case",
}


class Party(models.Model):
    """One record per real person or organisation, reused across cases and windows.

    ID numbers and phones are stored SM4-GCM encrypted (``centre.crypto``) with an
    HMAC-SM3 blind index for exact lookups and a masked copy for lists, so that no list,
    export or log ever needs the full value.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        ORGANISATION = "organisation", _("法人或其他组织")

    # Looked up by blind index or credit code, never by county: no index on it.
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("首次登记县"),
        db_index=False,
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_type = models.CharField(_("证件类型"), max_length=12, choices=IdType.choices, blank=True)
    id_number_enc = models.BinaryField(_("证件号码（密文）"), null=True, editable=False)
    # NULL, not "", where absent: the unique constraints must not treat two parties without
    # a number as the same party.
    id_number_index = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    id_number_masked = models.CharField(_("证件号码"), max_length=32, blank=True, editable=False)
    # NULL for persons: unique only when set.
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True)  # noqa: DJ001
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    # A natural person's particulars on the agreement and the ruling (人民调解法 第29条,
    # 民事诉讼法 第124条第1项). Sex and birth date are kept only where the ID document does
    # not state them (a passport): a GB 11643 number states both, and the documents read
    # them from it (``intake.identity.gb11643_facts``) rather than from a second copy.
    # db_default: rows inserted by SQL that predates these columns stay valid.
    sex = models.CharField(
        _("性别"), max_length=6, choices=Sex.choices, blank=True, default="", db_default=""
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(
        _("民族"), max_length=2, choices=Ethnicity.choices, blank=True, default="", db_default=""
    )
    occupation = models.CharField(_("职业"), max_length=50, blank=True, default="", db_default="")
    phone_enc = models.BinaryField(_("联系电话（密文）"), null=True, editable=False)
    phone_index = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所在区划"),
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        # Exact look-ups only (blind index), so no pattern-ops copy as db_index would add.
        indexes = [models.Index(fields=["phone_index"], name="party_phone_index")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number_index"], name="party_unique_id_number"
            ),
            models.UniqueConstraint(fields=["credit_code"], name="party_unique_credit_code"),
            models.CheckConstraint(
                condition=models.Q(kind="person", credit_code__isnull=True)
                | models.Q(kind="organisation", id_number_index__isnull=True),
                name="party_kind_identifiers",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CaseNumberSequence(CountyYearCounter):
    """Case numbers (一案一码) per county and year, gap-free."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="case_sequence_unique")
        ]


class Case(FSMModelMixin, models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        TRIAGED = "triaged", _("已分流")
        MEDIATING = "mediating", _("调解中")
        AGREED = "agreed", _("已达成调解协议")
        CONFIRMING = "confirming", _("司法确认中")
        CONFIRMED = "confirmed", _("已司法确认")
        MEDIATION_FAILED = "mediation_failed", _("调解不成")
        LITIGATING = "litigating", _("待当事人起诉")
        # A window's own process (信访, 法律援助 …) has accepted the case.
        HANDLING = "handling", _("办理中")
        REFERRED = "referred", _("已转办")
        CLOSED = "closed", _("已办结")

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("来访")
        PHONE = "phone", _("来电")
        ONLINE = "online", _("网上")
        GRID = "grid", _("网格上报")
        PLATFORM = "platform", _("平台转入")

    class Nature(models.TextChoices):
        DISPUTE = "dispute", _("矛盾纠纷")
        PETITION = "petition", _("信访投诉")
        CONSULTATION = "consultation", _("咨询")
        LABOUR = "labour", _("劳动保障")
        ADMINISTRATIVE = "administrative", _("行政争议")
        LEGAL_AID = "legal_aid", _("法律援助")

    class RiskLevel(models.TextChoices):
        LOW = "low", _("低")
        MEDIUM = "medium", _("中")
        HIGH = "high", _("高")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("已化解")
        PERFORMED = "performed", _("协议已履行")
        CONFIRMED = "confirmed", _("经司法确认")
        LITIGATED = "litigated", _("诉讼解决")
        HANDLED = "handled", _("办理完毕")
        UNRESOLVED = "unresolved", _("未化解")
        WITHDRAWN = "withdrawn", _("当事人撤回")
        # A window decided not to take the matter up (信访 不予受理, naming the channel).
        DECLINED = "declined", _("不予受理")
        # 法律援助: refused, and the refusal stood.
        REFUSED = "refused", _("不予法律援助")
        # A consultation answered at the desk.
        ANSWERED = "answered", _("当场解答")

    OPEN_STATES = tuple(s for s in State.values if s != "closed")

    # Indexes: each is written on every registration, so only those a query reads. The
    # county is the first column of three composite indexes; the number's unique index is
    # a constraint (no pattern-ops copy: prefixes and parts are searched by the trigram
    # and reversed-number indexes of migration 0006).
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("县（市、区）"),
        db_index=False,
    )
    number = models.CharField(_("案件编号"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    state = FSMField(
        _("状态"),
        max_length=20,
        choices=State.choices,
        default=State.REGISTERED,
        protected=True,
    )
    # Bumped by every transition: a page or client that saw an older version is told the
    # case changed instead of overwriting someone else's step.
    version = models.PositiveIntegerField(_("版本"), default=1)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    # A partner platform's case (12345, the grid platform, the court's mediation platform):
    # its source code (``ServiceAccount.source``) and the partner's own id for it. The pair
    # is unique, so a partner that sends a case twice gets the first one back.
    source = models.CharField(_("来源平台"), max_length=32, blank=True)
    external_id = models.CharField(_("来源平台编号"), max_length=64, blank=True)
    nature = models.CharField(_("事项性质"), max_length=16, choices=Nature.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("纠纷类别")
    )
    summary = models.CharField(_("事项摘要"), max_length=200)
    description = models.TextField(_("事项详情"), blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="cases", verbose_name=_("发生地")
    )
    amount = models.DecimalField(
        _("涉及金额（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    involved_count = models.PositiveIntegerField(
        _("涉及人数"), default=1, validators=[MinValueValidator(1)]
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    registered_window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记窗口"),
        db_index=False,
    )
    suggested_window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("建议窗口"),
        db_index=False,
    )
    suggested_mediation_kind = models.CharField(_("建议调解组织类型"), max_length=20, blank=True)
    window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("承办窗口"),
    )
    triage_override_reason = models.CharField(_("改派理由"), max_length=200, blank=True)
    risk_mass = models.BooleanField(_("群体性"), default=False)
    risk_repeat = models.BooleanField(_("重复来访"), default=False)
    risk_level = models.CharField(
        _("风险等级"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    risk_reason = models.CharField(_("风险等级说明"), max_length=200, blank=True)
    outcome = models.CharField(_("办结结果"), max_length=12, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)
    # Milestones, set once by the transitions that pass them. The statistics need them
    # (one-visit rate, mediation success, judicial confirmation) and a case's current
    # state alone does not tell: a closed case may or may not have been referred or mediated.
    referred_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    mediation_started_at = models.DateTimeField(_("启动调解时间"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("达成协议时间"), null=True, blank=True)
    mediation_failed_at = models.DateTimeField(_("调解不成时间"), null=True, blank=True)
    confirmation_applied_at = models.DateTimeField(_("申请司法确认时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("司法确认时间"), null=True, blank=True)
    confirmation_refused_at = models.DateTimeField(_("驳回确认申请时间"), null=True, blank=True)
    # A closed case sent back to be handled again: it was not settled at one visit.
    reopened_at = models.DateTimeField(_("重新办理时间"), null=True, blank=True)
    reopen_reason = models.CharField(_("重新办理原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_unique_number"),
            models.UniqueConstraint(
                fields=["county", "year", "sequence"], name="case_unique_sequence"
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="case_source_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["state"], name="case_state"),
            models.Index(fields=["county", "state", "-registered_at"]),
            models.Index(fields=["county", "window", "-registered_at"]),
            # What changed since the statistics were last brought up to date (risk/).
            models.Index(fields=["state_changed_at"], name="case_state_changed"),
        ]
        permissions = [
            ("register_case", _("登记案件")),
            ("view_personal_data", _("查看当事人完整个人信息")),
            ("raise_risk_case", _("调高风险等级")),
            ("triage_case", _("分流")),
            ("refer_case", _("转办")),
            ("start_mediation_case", _("启动调解")),
            ("record_agreement_case", _("记录调解协议")),
            ("fail_mediation_case", _("调解不成")),
            ("apply_confirmation_case", _("申请司法确认")),
            ("confirm_case", _("裁定确认调解协议有效")),
            ("refuse_confirmation_case", _("裁定驳回司法确认申请")),
            ("not_accept_confirmation_case", _("裁定不予受理司法确认申请")),
            ("hand_off_case", _("引导诉讼")),
            ("close_case", _("办结")),
            ("withdraw_case", _("撤回")),
            ("reopen_case", _("重新办理")),
            # A partner platform's service account: the cases it sent, and nothing else.
            ("view_source_cases", _("查看本平台转入的案件")),
        ]

    def __str__(self) -> str:
        return self.number

    # --- the workflow. Bodies only set this model's fields; services do the rest. ----------
    def _moved(self, milestone: str = "") -> None:
        self.version += 1
        self.state_changed_at = timezone.now()
        if milestone:
            setattr(self, milestone, self.state_changed_at)

    @transition(
        field=state, source=State.REGISTERED, target=State.TRIAGED, permission=ROLE_PERMS["triage"]
    )
    def triage(self, *, window: Window, override_reason: str = "") -> None:
        self.window = window
        self.triage_override_reason = override_reason
        self._moved()

    # From a failed mediation too: a dispute that is not for the courts goes to the body
    # that can still take it up, not to a dead end.
    @transition(
        field=state,
        source=[State.REGISTERED, State.TRIAGED, State.MEDIATION_FAILED],
        target=State.REFERRED,
        permission=ROLE_PERMS["refer"],
    )
    def refer(self, *, window: Window) -> None:
        self.window = window
        self._moved("referred_at")

    @transition(
        field=state,
        source=State.TRIAGED,
        target=State.MEDIATING,
        permission=ROLE_PERMS["start_mediation"],
    )
    def start_mediation(self) -> None:
        self._moved("mediation_started_at")

    @transition(
        field=state,
        source=State.MEDIATING,
        target=State.AGREED,
        permission=ROLE_PERMS["record_agreement"],
    )
    def record_agreement(self) -> None:
        self._moved("agreed_at")

    @transition(
        field=state,
        source=State.MEDIATING,
        target=State.MEDIATION_FAILED,
        permission=ROLE_PERMS["fail_mediation"],
    )
    def fail_mediation(self) -> None:
        self._moved("mediation_failed_at")

    @transition(
        field=state,
        source=State.AGREED,
        target=State.CONFIRMING,
        permission=ROLE_PERMS["apply_confirmation"],
    )
    def apply_confirmation(self) -> None:
        self._moved("confirmation_applied_at")

    # A failed mediation, or an agreement the court refused to confirm, may be mediated
    # again: the parties change the agreement or reach a new one (民事诉讼法 第206条).
    @transition(
        field=state,
        source=State.MEDIATION_FAILED,
        target=State.MEDIATING,
        permission=ROLE_PERMS["resume_mediation"],
    )
    def resume_mediation(self) -> None:
        self._moved()

    @transition(
        field=state,
        source=State.CONFIRMING,
        target=State.CONFIRMED,
        permission=ROLE_PERMS["confirm"],
    )
    def confirm(self) -> None:
        self._moved("confirmed_at")

    @transition(
        field=state,
        source=State.CONFIRMING,
        target=State.MEDIATION_FAILED,
        permission=ROLE_PERMS["refuse_confirmation"],
    )
    def refuse_confirmation(self) -> None:
        self._moved("confirmation_refused_at")

    # The court declines to accept the application (民诉法解释 第355条): no review took
    # place, so the agreement stands as it was and the case is back where it was before
    # the application.
    @transition(
        field=state,
        source=State.CONFIRMING,
        target=State.AGREED,
        permission=ROLE_PERMS["not_accept_confirmation"],
    )
    def not_accept_confirmation(self) -> None:
        self._moved()

    @transition(
        field=state,
        source=State.MEDIATION_FAILED,
        target=State.LITIGATING,
        permission=ROLE_PERMS["hand_off"],
    )
    def hand_off(self) -> None:
        self._moved()

    @transition(
        field=state,
        source=[State.AGREED, State.CONFIRMED, State.LITIGATING, State.REFERRED],
        target=State.CLOSED,
        permission=ROLE_PERMS["close"],
    )
    def close(self, *, outcome: str) -> None:
        self.outcome = outcome
        self.closed_at = timezone.now()
        self._moved()

    @transition(
        field=state, source=OPEN_STATES, target=State.CLOSED, permission=ROLE_PERMS["withdraw"]
    )
    def withdraw(self) -> None:
        self.outcome = self.Outcome.WITHDRAWN
        self.closed_at = timezone.now()
        self._moved()

    # The states a closed case may be sent back to: triaged again (its window takes it up
    # anew) or mediated again; never a state that claims a court's or an agreement's step
    # happened anew, nor a window process's 办理中 (that process has ended).
    REOPEN_TARGETS = (State.TRIAGED, State.MEDIATING)

    @transition(
        field=state,
        source=State.CLOSED,
        target=RETURN_VALUE(*REOPEN_TARGETS),
        permission=ROLE_PERMS["reopen"],
    )
    def reopen(self, *, to_state: str, reason: str) -> str:
        self.outcome = ""
        self.closed_at = None
        self.reopen_reason = reason
        self._moved("reopened_at")
        return to_state

    # --- a window's own process (see intake.processes). No role permission here: the
    # window's transition that calls these is guarded by its own.
    # From mediation too: a labour dispute whose mediation failed or lapsed goes on to
    # arbitration under the same number (劳动争议调解仲裁法 第14条).
    @transition(
        field=state,
        source=[State.TRIAGED, State.MEDIATING, State.MEDIATION_FAILED],
        target=State.HANDLING,
    )
    def handling_start(self) -> None:
        self._moved()

    @transition(field=state, source=State.HANDLING, target=State.MEDIATING)
    def handling_to_mediation(self) -> None:
        """访调对接: the process hands the dispute at its core to mediation."""
        self._moved("mediation_started_at")

    @transition(
        field=state,
        source=[State.AGREED, State.CONFIRMED, State.MEDIATION_FAILED],
        target=State.HANDLING,
    )
    def handling_resume(self) -> None:
        """Mediation ended; the process that sent the case there carries on."""
        self._moved()

    @transition(
        field=state,
        source=[
            State.REGISTERED,
            State.TRIAGED,
            State.HANDLING,
            State.AGREED,
            State.CONFIRMED,
            State.MEDIATION_FAILED,
        ],
        target=State.CLOSED,
    )
    def handling_end(self, *, outcome: str, window: Window | None = None) -> None:
        # A consultation answered before it was triaged: counted at the window that did.
        if window is not None and self.window_id is None:
            self.window = window
        self.outcome = outcome
        self.closed_at = timezone.now()
        self._moved()

    def touch(self) -> None:
        """A step of a window's process that leaves the case's state as it is still
        changes the case: the next caller holding the old version is told so."""
        self._moved()

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class CaseParty(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")
        THIRD_PARTY = "third_party", _("第三人")

    # Both keys are the first column of other indexes: the unique (case, party, role), and
    # (party, role) with migration 0006's party_cases.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="case_parties", db_index=False
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="case_parties", db_index=False
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("案件当事人")
        verbose_name_plural = _("案件当事人")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party", "role"], name="case_party_unique_role")
        ]
        indexes = [models.Index(fields=["party", "role"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.party}"


class CaseEvent(models.Model):
    """The case timeline: who did what, when, from which state to which, and why."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("登记")
        TRANSITION = "transition", _("流转")
        RISK = "risk", _("风险等级调整")
        ATTACHMENT = "attachment", _("上传附件")
        DOCUMENT = "document", _("生成文书")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    transition = models.CharField(_("操作"), max_length=30, blank=True)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("案件动态")
        verbose_name_plural = _("案件动态")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.transition}"

    @property
    def note_text(self) -> str:
        """The note in the reader's language where the system wrote it (intake.notes)."""
        return notes.note_text(self.note, self.data)

    @property
    def from_state_label(self) -> str:
        return Case.State(self.from_state).label if self.from_state else ""

    @property
    def to_state_label(self) -> str:
        return Case.State(self.to_state).label if self.to_state else ""

    @property
    def transition_label(self) -> str:
        from intake.workflow import label_of

        return label_of(self.transition) if self.transition else ""

    @property
    def window_state_label(self) -> str:
        """Where a window's step left its process (see intake.processes)."""
        from intake.workflow import window_state_label

        state = self.data.get("window_state") if isinstance(self.data, dict) else None
        return window_state_label(self.transition, state) if state else ""


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.case.county.code}/{instance.case.number}/{filename}"


class Attachment(models.Model):
    """Scans and photos brought by the parties."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


def _document_path(instance: CaseDocument, filename: str) -> str:
    return f"documents/{instance.case.county.code}/{instance.case.number}/{filename}"


class CaseDocument(models.Model):
    """A generated document (receipt, agreement, ruling …). The row is written with the
    change that needs it; a Celery task renders the PDF; a beat sweep retries rows left
    pending, so a lost task delays a document but never loses it."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("受理回执")
        AGREEMENT = "agreement", _("人民调解协议书")
        CONFIRMATION_APPLICATION = "confirmation_application", _("司法确认申请书")
        RULING = "ruling", _("民事裁定书")
        CONFIRMATION_ACCEPTANCE = "confirmation_acceptance", _("司法确认受理通知书")
        CONFIRMATION_NOT_ACCEPTED = "confirmation_not_accepted", _("不予受理司法确认申请民事裁定书")
        HANDOFF = "handoff", _("引导诉讼材料")
        PETITION_ACCEPTANCE = "petition_acceptance", _("信访事项受理告知书")
        PETITION_DECLINED = "petition_declined", _("信访事项不予受理告知书")
        PETITION_OPINION = "petition_opinion", _("信访事项处理意见书")
        PETITION_REVIEW_OPINION = "petition_review_opinion", _("信访事项复查意见书")
        PETITION_RECHECK_OPINION = "petition_recheck_opinion", _("信访事项复核意见书")
        LEGAL_AID_DECISION = "legal_aid_decision", _("给予法律援助决定书")
        LEGAL_AID_REFUSAL = "legal_aid_refusal", _("不予法律援助决定书")
        LEGAL_AID_ASSIGNMENT = "legal_aid_assignment", _("法律援助指派通知书")
        LABOUR_INSPECTION_REFUSAL = "labour_inspection_refusal", _("劳动保障监察投诉不予受理告知书")
        LABOUR_ORDER = "labour_order", _("劳动保障监察责令改正指令书")
        ARBITRATION_ACCEPTANCE = "arbitration_acceptance", _("仲裁申请受理通知书")
        ARBITRATION_REFUSAL = "arbitration_refusal", _("仲裁申请不予受理通知书")
        ARBITRATION_HEARING = "arbitration_hearing", _("开庭通知书")
        ARBITRATION_MEDIATION = "arbitration_mediation", _("仲裁调解书")
        ARBITRATION_AWARD = "arbitration_award", _("仲裁裁决书")
        REVIEW_ACCEPTANCE = "review_acceptance", _("行政复议受理通知书")
        REVIEW_REFUSAL = "review_refusal", _("不予受理行政复议申请决定书")
        REVIEW_MEDIATION = "review_mediation", _("行政复议调解书")
        REVIEW_DECISION = "review_decision", _("行政复议决定书")

    class Status(models.TextChoices):
        PENDING = "pending", _("生成中")
        RUNNING = "running", _("生成中")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书类型"), max_length=30, choices=Kind.choices)
    # The row the document is made from, when it is not the case itself (e.g. one version
    # of an agreement), and that version's number for the file name.
    ref_id = models.PositiveIntegerField(null=True, blank=True)
    ref_version = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("文件"), upload_to=_document_path, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status"], name="casedocument_status")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class TriageRule(models.Model):
    """Admin-editable triage (精准分流): nature and category → window, and for disputes the
    kind of mediation organisation. The most specific active rule wins."""

    class MediationKind(models.TextChoices):
        PEOPLE = "people", _("人民调解委员会")
        FAMILY = "family", _("婚姻家庭纠纷调解")
        TRAFFIC = "traffic", _("交通事故纠纷调解")
        MEDICAL = "medical", _("医疗纠纷调解")
        LABOUR = "labour", _("劳动争议调解")
        PROPERTY = "property", _("物业纠纷调解")
        CONSUMER = "consumer", _("消费纠纷调解")
        COMMERCIAL = "commercial", _("商事纠纷调解")
        LAND = "land", _("土地山林纠纷调解")

    nature = models.CharField(_("事项性质"), max_length=16, choices=Case.Nature.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("纠纷类别"),
        help_text=_("留空表示该性质的所有类别；选大类时含其子类"),
    )
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="+", verbose_name=_("分流窗口")
    )
    mediation_kind = models.CharField(
        _("调解组织类型"), max_length=20, choices=MediationKind.choices, blank=True
    )
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分流规则")
        verbose_name_plural = _("分流规则")
        ordering = ["nature", "category__code"]
        constraints = [
            models.UniqueConstraint(fields=["nature", "category"], name="triage_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} {self.category or ''} → {self.window}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Per-case rights (django-guardian) in a table with a real foreign key: joins stay
    indexed at a million cases, unlike guardian's generic text object ids."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass
