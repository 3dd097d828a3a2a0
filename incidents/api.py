"""The incident API: report (JSON, or multipart with photos), list, detail, and the steps
through one transitions endpoint with the same 400/403/404/409 rules as the cases'."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from centre.api_errors import body_not_an_object
from centre.models import Department
from centre.selectors import staff_of
from centre.serializers import RefNameField
from incidents import selectors, services
from incidents.access import access_incident_for
from incidents.models import Incident, IncidentEvent

_detail = inline_serializer("IncidentErrorDetail", {"detail": serializers.CharField()})


class IncidentListSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    urgency_label = serializers.CharField(source="get_urgency_display")
    grade_label = serializers.CharField(source="get_grade_display")
    grade_colour = serializers.CharField()
    town = serializers.CharField(source="town.code")
    town_name = RefNameField(of="town")
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    department = serializers.SerializerMethodField()
    holder = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "number",
            "state",
            "state_label",
            "version",
            "category",
            "category_name",
            "urgency",
            "urgency_label",
            "grade",
            "grade_label",
            "grade_colour",
            "town",
            "town_name",
            "grid",
            "grid_name",
            "place",
            "reported_at",
            "department",
            "holder",
            "due_on",
            "case",
        ]

    def get_department(self, incident: Incident) -> dict | None:
        d = incident.department
        return {"id": d.pk, "name": d.name} if d else None

    def get_holder(self, incident: Incident) -> str:
        return _name(incident.holder)

    def get_case(self, incident: Incident) -> str | None:
        return incident.case.number if incident.case_id else None


class IncidentEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = IncidentEvent
        fields = ["at", "transition", "from_state", "to_state", "note", "data", "actor"]

    def get_actor(self, event: IncidentEvent) -> str:
        return _name(event.actor)


def _name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _error(exc: DjangoValidationError) -> Response:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Response(
        {"detail": "; ".join(f"{k}: {v[0]}" for k, v in errors.items()), "errors": errors},
        status=400,
    )


class IncidentListCreate(generics.ListAPIView):
    """``GET`` the incidents you may see; ``POST`` reports one (JSON, or multipart with
    ``photos``). An ``Idempotency-Key`` header makes a report sent twice one incident
    (201 the first time, 200 with the same incident after)."""

    serializer_class = IncidentListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=desc)
            for name, desc in [
                ("state", "状态"),
                ("town", "乡镇/街道区划代码"),
                ("category", "事件类别编码"),
                ("urgency", "urgent / important / normal"),
            ]
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        return selectors.incident_list(
            self.request.user,
            selectors.IncidentFilters(
                state=p.get("state", ""),
                town=p.get("town", ""),
                category=p.get("category", ""),
                urgency=p.get("urgency", ""),
            ),
        ).select_related("case")

    @extend_schema(
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": OpenApiTypes.OBJECT,
        },
        responses={201: IncidentListSerializer, 200: IncidentListSerializer, 400: _detail},
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        photos = request.FILES.getlist("photos") if request.FILES else []
        try:
            incident = services.incident_report(
                actor=request.user, data=request.data, photos=photos, idempotency_key=key
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            return _error(exc)
        return Response(
            IncidentListSerializer(incident).data, status=200 if incident.replayed else 201
        )


class IncidentDetail(APIView):
    """One incident with its timeline and photos."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: _detail})
    def get(self, request, number: str):
        incident = selectors.incident_detail(access_incident_for(request.user, number))
        body = IncidentListSerializer(incident).data
        body.update(
            description=incident.description,
            people=incident.people,
            involved_count=incident.involved_count,
            latitude=str(incident.latitude) if incident.latitude is not None else None,
            longitude=str(incident.longitude) if incident.longitude is not None else None,
            reporter=_name(incident.reporter),
            handling=incident.handling,
            escalation_reason=incident.escalation_reason,
            rating=incident.rating,
            closed_at=incident.closed_at,
            timeline=IncidentEventSerializer(incident.events.all(), many=True).data,
            photos=[
                {
                    "id": p.pk,
                    "stage": p.stage,
                    "width": p.width,
                    "height": p.height,
                    "url": request.build_absolute_uri(
                        f"/api/v1/incidents/{incident.number}/photos/{p.pk}/"
                    ),
                }
                for p in incident.photos.all()
            ],
        )
        return Response(body)


class IncidentPhotoDownload(APIView):
    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request, number: str, pk: int):
        incident = access_incident_for(request.user, number)
        photo = get_object_or_404(incident.photos, pk=pk)
        return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


class TransitionList(APIView):
    """The steps you may take on this incident now, with their fields."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "IncidentTransition",
                {
                    "name": serializers.CharField(),
                    "label": serializers.CharField(),
                    "fields": serializers.ListField(),
                },
            )
        }
    )
    def get(self, request, number: str):
        incident = access_incident_for(request.user, number)
        return Response(
            [
                {
                    "name": step.name,
                    "label": str(step.label),
                    "fields": [
                        _field_out(name, field)
                        for name, field in step.form(incident=incident).fields.items()
                    ],
                }
                for step in services.available(incident, request.user)
            ]
        )


def _field_out(name: str, field) -> dict:
    out = {"name": name, "label": str(field.label), "required": field.required}
    choices = getattr(field, "choices", None)
    if choices is not None:
        out["choices"] = [
            {"value": str(value), "label": str(label)} for value, label in choices if value != ""
        ]
    return out


class TransitionFire(APIView):
    """Take a step with its fields (and optionally the ``version`` you saw): 200 with the
    new state, 400 bad fields, 403 role, 404 unknown incident, 409 state or version
    changed. ``feedback`` and ``resolve_on_site`` take ``photos`` (multipart)."""

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: inline_serializer(
                "IncidentFired",
                {
                    "number": serializers.CharField(),
                    "state": serializers.CharField(),
                    "version": serializers.IntegerField(),
                },
            ),
            400: _detail,
            403: _detail,
            404: _detail,
            409: _detail,
        },
    )
    def post(self, request, number: str, name: str):
        if (refused := body_not_an_object(request.data)) is not None:
            return refused
        photos = request.FILES.getlist("photos") if request.FILES else []
        if request.FILES:
            data = {k: request.data.get(k) for k in request.data if k != "photos"}
        else:
            data = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        version = data.pop("version", None)
        if isinstance(version, list):
            version = version[0]
        try:
            version = int(version) if version not in (None, "") else None
        except (TypeError, ValueError):
            return Response(
                {"detail": _("版本号应为整数"), "errors": {"version": [_("版本号应为整数")]}},
                status=400,
            )
        try:
            incident = services.incident_fire(
                actor=request.user,
                number=number,
                name=name,
                data=data,
                version=version,
                photos=photos,
            )
        except services.StepError as exc:
            body: dict[str, Any] = {"detail": exc.message}
            if exc.errors:
                body["errors"] = exc.errors
                body["detail"] = "; ".join(f"{k}: {v[0]}" for k, v in exc.errors.items())
            return Response(body, status=exc.status)
        return Response(
            {"number": incident.number, "state": incident.state, "version": incident.version}
        )


class DepartmentList(APIView):
    """The departments of your county (``assign`` takes one's ``id``)."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "DepartmentItem",
                {"id": serializers.IntegerField(), "name": serializers.CharField()},
                many=True,
            )
        }
    )
    def get(self, request):
        staff = staff_of(request.user)
        if staff is None:
            return Response([])
        return Response(
            list(Department.objects.filter(county_id=staff.county_id).values("id", "name"))
        )


urlpatterns = [
    path("incidents/", IncidentListCreate.as_view(), name="api-incidents"),
    path("incidents/<str:number>/", IncidentDetail.as_view(), name="api-incident"),
    path(
        "incidents/<str:number>/photos/<int:pk>/",
        IncidentPhotoDownload.as_view(),
        name="api-incident-photo",
    ),
    path(
        "incidents/<str:number>/transitions/",
        TransitionList.as_view(),
        name="api-incident-transitions",
    ),
    path(
        "incidents/<str:number>/transitions/<str:name>/",
        TransitionFire.as_view(),
        name="api-incident-transition",
    ),
    path("departments/", DepartmentList.as_view(), name="api-departments"),
]
