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
]
