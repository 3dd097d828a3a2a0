"""Mediation API: sessions of a case, and mediators (ranked with ``suggest_for``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from intake.access import access_case_for
from mediation import selectors, services
from mediation.models import Mediator, Session


class SessionSerializer(serializers.ModelSerializer):
    attendees = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, label="参加人员"
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "scheduled_at",
            "held_at",
            "place",
            "location",
            "attendees",
            "record",
            "proposals",
            "outcome",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        if not attrs.get("scheduled_at") and not attrs.get("held_at"):
            raise serializers.ValidationError({"scheduled_at": [_("请填写安排时间或实际调解时间")]})
        return attrs


class Sessions(APIView):
    """``GET`` the sessions of a case; ``POST`` schedules one (``scheduled_at``, the
    parties are notified) or records one held (``held_at``, ``attendees``, ``record``)."""

    def _mediation(self, request, number):
        case = access_case_for(request.user, number)
        mediation = getattr(case, "mediation", None)
        if mediation is None:
            raise Http404
        return mediation

    @extend_schema(responses={200: SessionSerializer(many=True)})
    def get(self, request, number: str):
        mediation = self._mediation(request, number)
        return Response(SessionSerializer(mediation.sessions.all(), many=True).data)

    @extend_schema(request=SessionSerializer, responses={201: SessionSerializer})
    def post(self, request, number: str):
        mediation = self._mediation(request, number)
        if not request.user.has_perm("centre.use_mediation_desk"):
            raise PermissionDenied(_("您的角色无权记录调解"))
        form = SessionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            session = services.session_save(
                actor=request.user, mediation=mediation, **form.validated_data
            )
        except DjangoValidationError as exc:
            raise DRFValidationError(
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            ) from exc
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class Mediators(APIView):
    """Mediators of your county; with ``suggest_for=<case number>`` the ranked suggestion
    for that case, each with its ``score`` and ``reasons``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str, description="擅长类别编码（含大类）"),
            OpenApiParameter("region", str, description="所属调解组织服务的区划代码"),
            OpenApiParameter("suggest_for", str, description="案件编号：按该案推荐排序"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        user = request.user
        if not (
            user.has_perm("centre.supervise_windows") or user.has_perm("centre.use_mediation_desk")
        ):
            raise PermissionDenied(_("您的角色无权查看调解员"))
        staff = getattr(user, "staff", None)
        if staff is None:
            return Response([])
        number = request.query_params.get("suggest_for")
        if number:
            case = access_case_for(user, number)
            return Response(
                [
                    self._row(s.mediator, s.organisation, s.score, s.reasons, s.open_cases)
                    for s in selectors.suggest_mediators(case)
                ]
            )
        qs = selectors.mediators_for(staff.county_id)
        if category := request.query_params.get("category"):
            qs = qs.filter(specialties__code__in=[category, category[:2]]).distinct()
        if region := request.query_params.get("region"):
            qs = qs.filter(organisations__regions__code=region).distinct()
        loads = selectors.open_case_counts()
        return Response(
            [
                self._row(m, next(iter(m.organisations.all()), None), None, [], loads.get(m.pk, 0))
                for m in qs
            ]
        )

    @staticmethod
    def _row(mediator: Mediator, organisation, score, reasons, open_cases):
        return {
            "id": mediator.pk,
            "name": mediator.name,
            "grade": mediator.grade.name if mediator.grade else "",
            "background": mediator.get_background_display(),
            "organisation": {"id": organisation.pk, "name": organisation.name}
            if organisation
            else None,
            "specialties": [c.code for c in mediator.specialties.all()],
            "open_cases": open_cases,
            "score": score,
            "reasons": reasons,
        }


urlpatterns = [
    path("cases/<str:number>/sessions/", Sessions.as_view(), name="api-sessions"),
    path("mediators/", Mediators.as_view(), name="api-mediators"),
]
