"""The risk warnings API (``/api/v1/risk/warnings/``): leaders and supervisors only
(``centre.view_dashboard``); others get 403.

``GET`` lists the warnings the user may see (their county; a city's or province's leader
the counties under them), newest first, paginated like the other lists, each with its
evidence case numbers. ``POST …/<id>/acknowledge/`` and ``…/<id>/handle/`` (``note``;
required to handle) act on a warning of the user's own county: 403 without the right,
404 for a warning they cannot see, 409 when it has moved on (someone else acted).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from centre.replica import tolerant_alias
from risk.models.warning import Kind, Level, RiskWarning
from risk.warnings import selectors, services

_error = inline_serializer("WarningError", {"detail": serializers.CharField()})


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None


class WarningSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", label=gettext_lazy("县（市、区）代码"))
    cases = serializers.ListField(
        source="case_numbers",
        child=serializers.CharField(),
        label=gettext_lazy("证据案件编号（最多200件）"),
    )
    acknowledged_by = serializers.SerializerMethodField()
    handled_by = serializers.SerializerMethodField()

    class Meta:
        model = RiskWarning
        fields = [
            "id",
            "county",
            "kind",
            "level",
            "title",
            "detail",
            "status",
            "created_at",
            "updated_at",
            "case_count",
            "cases",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledge_note",
            "handled_by",
            "handled_at",
            "handle_note",
        ]

    def get_acknowledged_by(self, obj: RiskWarning) -> str | None:
        return _name(obj.acknowledged_by)

    def get_handled_by(self, obj: RiskWarning) -> str | None:
        return _name(obj.handled_by)


def _require_view(request) -> None:
    if not request.user.has_perm(selectors.VIEW):
        raise PermissionDenied(_("您的角色无权查看风险预警"))


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=list(selectors.STATUSES), description="状态"),
        OpenApiParameter("kind", str, enum=Kind.values, description="预警类型"),
        OpenApiParameter("level", str, enum=Level.values, description="等级"),
    ],
    responses={200: WarningSerializer(many=True), 400: _error, 403: _error},
    summary="风险预警列表",
)
class WarningList(generics.ListAPIView):
    """Warnings you may see, newest first, with their evidence case numbers."""

    serializer_class = WarningSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return RiskWarning.objects.none()
        _require_view(self.request)
        p = self.request.query_params
        filters = selectors.WarningFilters(
            status=p.get("status", ""), kind=p.get("kind", ""), level=p.get("level", "")
        )
        errors = filters.errors()
        if errors:
            raise DRFValidationError(errors)
        # Evaluated by the paginator after this returns: pinned here.
        return selectors.warning_list(self.request.user, filters).using(tolerant_alias())


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        label=gettext_lazy("意见"),
        required=False,
        allow_blank=True,
        max_length=services.NOTE_MAX_LENGTH,
    )


class WarningStep(APIView):
    step = ""

    @extend_schema(
        request=NoteSerializer,
        responses={200: WarningSerializer, 400: _error, 403: _error, 404: _error, 409: _error},
    )
    def post(self, request, pk: int):
        _require_view(request)
        warning = selectors.warning_for(request.user, pk)
        form = NoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        step = services.acknowledge if self.step == "acknowledge" else services.handle
        try:
            warning = step(warning, request.user, form.validated_data.get("note", ""))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise DRFValidationError(exc.message_dict) from exc
        except services.WarningConflict as exc:
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        warning = selectors.warning_for(request.user, warning.pk)
        return Response(WarningSerializer(warning).data)


urlpatterns = [
    path("risk/warnings/", WarningList.as_view(), name="api-risk-warnings"),
    path(
        "risk/warnings/<int:pk>/acknowledge/",
        WarningStep.as_view(step="acknowledge"),
        name="api-risk-warning-acknowledge",
    ),
    path(
        "risk/warnings/<int:pk>/handle/",
        WarningStep.as_view(step="handle"),
        name="api-risk-warning-handle",
    ),
]
