"""Judicial API: the court's outcome of a handed-off case, and court delegations."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from intake import workflow
from intake.access import access_case_for
from intake.serializers import CaseCreateSerializer
from judicial import selectors, services
from judicial.forms import ClerkForm


def _drf(exc: DjangoValidationError) -> DRFValidationError:
    return DRFValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    )


class CourtOutcomeSerializer(serializers.Serializer):
    court_case_number = serializers.CharField(label="法院案号", max_length=60)
    accepted_on = serializers.DateField(label="立案日期")


class CourtOutcome(APIView):
    """The court accepted the handed-off case: records its number and closes the case with
    outcome ``litigated``."""

    @extend_schema(
        request=CourtOutcomeSerializer,
        responses={
            200: inline_serializer(
                "Closed",
                {
                    "number": serializers.CharField(),
                    "state": serializers.CharField(),
                    "outcome": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request, number: str):
        case = access_case_for(request.user, number)
        if not request.user.has_perm("judicial.record_court_outcome"):
            raise PermissionDenied(_("您的角色无权登记法院立案结果"))
        form = CourtOutcomeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            case = services.court_outcome_record(
                actor=request.user, case=case, **form.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        except workflow.TransitionError as exc:
            return Response({"detail": exc.message}, status=exc.status)
        return Response({"number": case.number, "state": case.state, "outcome": case.outcome})


_CONFIRMATION = inline_serializer(
    "ConfirmationState",
    {
        "number": serializers.CharField(),
        "ruling_number": serializers.CharField(),
        "accepted_at": serializers.DateTimeField(),
        "decide_due": serializers.DateField(),
        "extended_at": serializers.DateTimeField(allow_null=True),
    },
)


def _open_confirmation(request, number: str):
    """The case's application under review, if the user is one of its court's judges (the
    court's acts are its judges'; anyone else 403, a case they cannot see 404)."""
    case = access_case_for(request.user, number)
    if not request.user.has_perm("judicial.decide_confirmation"):
        raise PermissionDenied(_("只有受理法院的法官可以办理"))
    confirmation = services.open_confirmation(case)
    if confirmation is None:
        return case, None
    return case, confirmation


def _confirmation_body(case, confirmation) -> dict:
    return {
        "number": case.number,
        "ruling_number": confirmation.ruling_number,
        "accepted_at": confirmation.accepted_at,
        "decide_due": confirmation.decide_due,
        "extended_at": confirmation.extended_at,
    }


class ConfirmationAccept(APIView):
    """The court accepts the application for judicial confirmation (受理, 法释〔2011〕5号
    第4条): the 民特 number, the 受理通知书 to the parties, the 15-day review clock. As on
    the case page; 409 when there is no application under review or it is accepted."""

    @extend_schema(request=None, responses={200: _CONFIRMATION})
    def post(self, request, number: str):
        case, confirmation = _open_confirmation(request, number)
        if confirmation is None:
            return Response({"detail": _("没有待审查的司法确认申请")}, status=409)
        if confirmation.accepted_at is not None:
            return Response({"detail": _("该申请已受理")}, status=409)
        try:
            confirmation = services.confirmation_accept(
                actor=request.user, confirmation=confirmation
            )
        except DjangoValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        return Response(_confirmation_body(case, confirmation))


class ConfirmationClerk(APIView):
    """Name the court clerk (书记员) of the application under review, printed on the
    ruling: ``{"clerk": <user id>}``, one of the court's clerks. The court's judges name
    any of them, a clerk only himself (403 otherwise); 409 when nothing is under review."""

    @extend_schema(
        request=inline_serializer("ConfirmationClerkIn", {"clerk": serializers.IntegerField()}),
        responses={200: inline_serializer("ConfirmationClerk", {"clerk": serializers.CharField()})},
    )
    def post(self, request, number: str):
        case = access_case_for(request.user, number)
        confirmation = services.open_confirmation(case)
        if confirmation is None:
            return Response({"detail": _("没有待审查的司法确认申请")}, status=409)
        form = ClerkForm(request.data, court=confirmation.court)
        if not form.is_valid():
            raise DRFValidationError(form.errors)
        clerk = form.cleaned_data["clerk"]
        try:
            services.confirmation_clerk_set(
                actor=request.user, confirmation=confirmation, clerk=clerk
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise _drf(exc) from exc
            raise PermissionDenied(" ".join(exc.messages)) from exc
        return Response({"clerk": clerk.get_full_name() or clerk.get_username()})


class ConfirmationExtendSerializer(serializers.Serializer):
    reason = serializers.CharField(label="延长理由", max_length=300)


class ConfirmationExtend(APIView):
    """The court president extends the review once by 10 days (法释〔2011〕5号 第5条),
    never past 30 days from acceptance (民事诉讼法 第187条). As on the case page."""

    @extend_schema(request=ConfirmationExtendSerializer, responses={200: _CONFIRMATION})
    def post(self, request, number: str):
        case, confirmation = _open_confirmation(request, number)
        if confirmation is None:
            return Response({"detail": _("没有待审查的司法确认申请")}, status=409)
        if confirmation.court.president_id != request.user.pk:
            raise PermissionDenied(_("延长审查期限须经院长批准"))
        form = ConfirmationExtendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            confirmation = services.confirmation_extend(
                actor=request.user, confirmation=confirmation, reason=form.validated_data["reason"]
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(_confirmation_body(case, confirmation))


class DelegationSerializer(CaseCreateSerializer):
    court_reference = serializers.CharField(label="法院收案编号", max_length=60)
    received_on = serializers.DateField(label="收到材料日期")
    channel = serializers.CharField(required=False, default="platform")


class Delegations(APIView):
    """``POST`` a dispute the court delegates before filing (委派调解): it becomes a case
    with channel ``platform``, mediated on the court-delegated clock."""

    @extend_schema(
        request=DelegationSerializer,
        responses={
            201: inline_serializer(
                "Delegated", {"number": serializers.CharField(), "state": serializers.CharField()}
            )
        },
    )
    def post(self, request):
        if not request.user.has_perm("judicial.add_delegation"):
            raise PermissionDenied(_("您的角色无权委派调解"))
        court = selectors.courts_of(request.user).first()
        if court is None:
            raise PermissionDenied(_("您的账号未关联人民法院"))
        form = DelegationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        reference, received_on = data.pop("court_reference"), data.pop("received_on")
        form.validated_data.pop("court_reference")
        form.validated_data.pop("received_on")
        try:
            case = services.delegation_register(
                actor=request.user,
                court=court,
                court_reference=reference,
                received_on=received_on,
                data=form.to_input(),
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(
            {"number": case.number, "state": case.state}, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path("cases/<str:number>/court-outcome/", CourtOutcome.as_view(), name="api-court-outcome"),
    path("delegations/", Delegations.as_view(), name="api-delegations"),
    path(
        "cases/<str:number>/confirmation/accept/",
        ConfirmationAccept.as_view(),
        name="api-confirmation-accept",
    ),
    path(
        "cases/<str:number>/confirmation/clerk/",
        ConfirmationClerk.as_view(),
        name="api-confirmation-clerk",
    ),
    path(
        "cases/<str:number>/confirmation/extend/",
        ConfirmationExtend.as_view(),
        name="api-confirmation-extend",
    ),
]
