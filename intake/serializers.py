"""API shapes of cases. Field names are a public contract (see the intake issue)."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from centre import refcache
from centre.models import Category, Region
from centre.validators import NoControlCharacters, refused_characters
from intake import identity
from intake.identity import Ethnicity, IdType, Sex
from intake.models import Case, CaseDocument, CaseEvent, CaseParty, Party
from intake.services import MAX_DESCRIPTION_LENGTH, MAX_INVOLVED_COUNT, CaseInput, PartyInput


def _django_to_drf(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.messages)


class CachedSlugRelatedField(serializers.SlugRelatedField):
    """A SlugRelatedField for reference data (categories, regions), looked up through
    centre.refcache instead of a query per request. Same errors as its parent."""

    def __init__(self, *, cache_name: str, **kwargs: Any) -> None:
        self.cache_name = cache_name
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        data = str(data)
        if refused_characters(data):  # a lone surrogate cannot even be sent to the database
            self.fail("invalid")
        found = refcache.get(
            (self.cache_name, data),
            lambda: self.get_queryset().filter(**{self.slug_field: data}).first(),
        )
        if found is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return found


class InputSerializer(serializers.Serializer):
    """A serializer for input read on a hot path (a registration): each instance gets
    shallow copies of the declared fields instead of DRF's deep copies (which rebuild
    every field and copy its querysets and choices: ~0.3 ms a registration, measured).
    Binding sets attributes on the copy and validation only reads what the copies share;
    nested serializers are still deep-copied, as DRF does."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


class PartyInputSerializer(InputSerializer):
    role = serializers.ChoiceField(label=_("角色"), choices=CaseParty.Role.choices)
    kind = serializers.ChoiceField(label=_("类型"), choices=Party.Kind.choices)
    name = serializers.CharField(label=_("姓名/名称"), max_length=100)
    id_type = serializers.ChoiceField(
        label=_("证件类型"), choices=IdType.choices, required=False, allow_blank=True
    )
    id_number = serializers.CharField(
        label=_("证件号码"), required=False, allow_blank=True, max_length=40
    )
    credit_code = serializers.CharField(
        label=_("统一社会信用代码"), required=False, allow_blank=True, max_length=30
    )
    phone = serializers.CharField(
        label=_("联系电话"), required=False, allow_blank=True, max_length=30
    )
    address = serializers.CharField(
        label=_("地址"), required=False, allow_blank=True, max_length=200
    )
    legal_representative = serializers.CharField(
        label=_("法定代表人"), required=False, allow_blank=True, max_length=50
    )
    sex = serializers.ChoiceField(
        label=_("性别"), choices=Sex.choices, required=False, allow_blank=True
    )
    birth_date = serializers.DateField(label=_("出生日期"), required=False, allow_null=True)
    ethnicity = serializers.ChoiceField(
        label=_("民族"), choices=Ethnicity.choices, required=False, allow_blank=True
    )
    occupation = serializers.CharField(
        label=_("职业"), required=False, allow_blank=True, max_length=50
    )

    def validate_credit_code(self, value: str) -> str:
        if not value:
            return ""
        try:
            return identity.normalize_credit_code(value)
        except DjangoValidationError as exc:
            raise _django_to_drf(exc) from exc

    def validate_phone(self, value: str) -> str:
        if not value:
            return ""
        try:
            return identity.normalize_phone(value)
        except DjangoValidationError as exc:
            raise _django_to_drf(exc) from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("id_number"):
            id_type = attrs.get("id_type") or IdType.RESIDENT_ID
            try:
                attrs["id_number"] = identity.normalize_id_number(id_type, attrs["id_number"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"id_number": exc.messages}) from exc
            attrs["id_type"] = id_type
        errors = identity.check_particulars(
            attrs.get("id_type", ""),
            attrs.get("id_number", ""),
            attrs.get("sex", ""),
            attrs.get("birth_date"),
        )
        if errors:
            raise serializers.ValidationError({k: [str(v)] for k, v in errors.items()})
        attrs.update(identity.kept_particulars(attrs))
        return attrs


class CaseCreateSerializer(InputSerializer):
    channel = serializers.ChoiceField(label=_("来源渠道"), choices=Case.Channel.choices)
    nature = serializers.ChoiceField(label=_("事项性质"), choices=Case.Nature.choices)
    category = CachedSlugRelatedField(
        cache_name="active-category",
        label=_("纠纷类别"),
        slug_field="code",
        queryset=Category.objects.filter(active=True),
    )
    summary = serializers.CharField(label=_("事项摘要"), max_length=200)
    description = serializers.CharField(
        label=_("事项详情"), required=False, allow_blank=True, max_length=MAX_DESCRIPTION_LENGTH
    )
    region = CachedSlugRelatedField(
        cache_name="region", label=_("发生地"), slug_field="code", queryset=Region.objects.all()
    )
    amount = serializers.DecimalField(
        label=_("涉及金额（元）"),
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        min_value=0,
    )
    involved_count = serializers.IntegerField(
        label=_("涉及人数"), min_value=1, max_value=MAX_INVOLVED_COUNT, default=1
    )
    parties = PartyInputSerializer(many=True, label=_("当事人"), allow_empty=False)
    source = serializers.SlugField(
        label=_("来源平台"),
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=_("转入案件的平台的来源代码；对接平台的服务账号可不填，自动记为本平台"),
    )
    external_id = serializers.CharField(
        label=_("来源平台编号"),
        max_length=64,
        validators=[NoControlCharacters()],
        required=False,
        allow_blank=True,
        help_text=_(
            "来源平台自己的案件编号；同一来源同一编号再次提交时，返回第一次登记的案件"
            "（HTTP 200），不会重复登记"
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A partner platform's case carries its own source and id, on the channel
        平台转入; staff may record a case a partner sent another way (its known source)."""
        partner = self.context.get("partner")
        source, external_id = attrs.get("source", ""), attrs.get("external_id", "").strip()
        attrs["external_id"] = external_id
        if partner is not None:
            errors = {}
            if source and source != partner.source:
                errors["source"] = _("应为本平台的来源代码%(code)s") % {"code": partner.source}
            if not external_id:
                errors["external_id"] = _("对接平台转入的案件必须提供来源平台编号")
            if attrs["channel"] != Case.Channel.PLATFORM:
                errors["channel"] = _("对接平台转入的案件，来源渠道应为“平台转入”（%(value)s）") % {
                    "value": "platform"
                }
            if errors:
                raise serializers.ValidationError(errors)
            attrs["source"] = partner.source
        elif bool(source) != bool(external_id):
            field = "external_id" if source else "source"
            raise serializers.ValidationError({field: _("来源平台和来源平台编号应同时填写")})
        elif source and not self.context["known_source"](source):
            raise serializers.ValidationError({"source": _("没有使用此来源代码的对接平台")})
        return attrs

    def to_input(self) -> CaseInput:
        data = dict(self.validated_data)
        parties = [PartyInput(**attrs) for attrs in data.pop("parties")]
        for party in parties:
            party.mark_checked()  # normalised by PartyInputSerializer: not checked twice
        return CaseInput(parties=parties, **data)


class CaseCreatedSerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.CharField()
    suggested_window = serializers.CharField(allow_null=True)


class PartyOutSerializer(serializers.Serializer):
    """A party on a case: masked values unless the view passes the revealed ones."""

    role = serializers.CharField()
    role_label = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    id_type = serializers.CharField()
    id_number = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True)
    phone = serializers.CharField()
    masked = serializers.BooleanField()


def party_out(cp: CaseParty, revealed: dict[str, str] | None = None) -> dict[str, Any]:
    party = cp.party
    return {
        "role": cp.role,
        "role_label": cp.get_role_display(),
        "kind": party.kind,
        "name": party.name,
        "id_type": party.id_type,
        "id_number": revealed["id_number"] if revealed else party.id_number_masked,
        "credit_code": party.credit_code,
        "phone": revealed["phone"] if revealed else party.phone_masked,
        "masked": revealed is None,
    }


class RiskSerializer(serializers.Serializer):
    mass = serializers.BooleanField(source="risk_mass")
    repeat = serializers.BooleanField(source="risk_repeat")
    level = serializers.CharField(source="risk_level")
    reason = serializers.CharField(source="risk_reason")


class CaseListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    window = serializers.SlugRelatedField(slug_field="code", read_only=True)
    suggested_window = serializers.SlugRelatedField(slug_field="code", read_only=True)
    risk = RiskSerializer(source="*")
    parties = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "number",
            "state",
            "state_label",
            "version",
            "channel",
            "nature",
            "category",
            "summary",
            "region",
            "window",
            "suggested_window",
            "registered_at",
            "risk",
            "parties",
        ]

    def get_parties(self, case: Case) -> list[dict[str, Any]]:
        return [party_out(cp) for cp in case.case_parties.all()]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    # The system's notes in the language asked for (intake.notes).
    note = serializers.CharField(source="note_text", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "kind", "transition", "from_state", "to_state", "note", "actor"]

    def get_actor(self, event: CaseEvent) -> str:
        if event.actor is None:
            return ""
        return event.actor.get_full_name() or event.actor.get_username()


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = ["id", "kind", "kind_label", "status", "created_at", "rendered_at", "url"]

    def get_url(self, document: CaseDocument) -> str | None:
        if document.status != CaseDocument.Status.READY:
            return None
        request = self.context.get("request")
        path = f"/api/v1/cases/{self.context['number']}/documents/{document.pk}/download/"
        return request.build_absolute_uri(path) if request else path
