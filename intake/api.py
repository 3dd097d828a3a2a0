"""The case API (public contract of the intake issue)."""

from __future__ import annotations

from urllib.parse import unquote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from centre.api_errors import body_not_an_object
from centre.selectors import staff_of
from intake import case_clocks, documents, selectors, services, workflow
from intake.access import access_case_for, can_see_personal_data
from intake.models import CaseDocument
from intake.serializers import (
    CaseCreatedSerializer,
    CaseCreateSerializer,
    CaseListSerializer,
    DocumentSerializer,
    EventSerializer,
    party_out,
)

_detail = inline_serializer("Detail", {"detail": serializers.CharField()})
_transition = inline_serializer(
    "Transition",
    {
        "name": serializers.CharField(),
        "label": serializers.CharField(),
        "fields": serializers.ListField(),
    },
)


def _staff_county(user):
    staff = staff_of(user)
    if staff is None:
        raise PermissionDenied(_("您的账号未配置所属县，不能登记案件"))
    return staff.county


class CaseListCreate(generics.ListAPIView):
    """``GET`` the cases you may see (masked); ``POST`` registers a new case."""

    serializer_class = CaseListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=desc)
            for name, desc in [
                ("state", "状态"),
                ("window", "承办窗口编码"),
                ("category", "纠纷类别编码（含子类）"),
                ("region", "区划代码（含下级）"),
                ("risk", "mass / repeat / low / medium / high"),
                ("outcome", "办结结果"),
                ("q", "案件编号或当事人姓名（完整证件号码或电话请放在X-Search请求头中）"),
                ("source", "来源平台代码（对接平台转入的案件）"),
                ("external_id", "来源平台编号（与source一起使用）"),
            ]
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        p = self.request.query_params
        return selectors.case_list(
            self.request.user,
            selectors.CaseFilters(
                state=p.get("state", ""),
                window=p.get("window", ""),
                category=p.get("category", ""),
                region=p.get("region", ""),
                risk=p.get("risk", ""),
                outcome=p.get("outcome", ""),
                # A full ID number or phone goes in a header, percent-encoded UTF-8: never
                # in the URL, which proxies log.
                q=unquote(self.request.headers.get("X-Search", "")) or p.get("q", ""),
                sort=p.get("sort", ""),
                source=p.get("source", ""),
                external_id=p.get("external_id", ""),
            ),
        )

    @extend_schema(
        request=CaseCreateSerializer,
        responses={
            201: CaseCreatedSerializer,
            200: OpenApiResponse(
                CaseCreatedSerializer,
                description="同一来源同一来源平台编号已登记过：返回第一次登记的案件，不重复登记",
            ),
            400: _detail,
            403: _detail,
        },
    )
    def post(self, request):
        if not request.user.has_perm("intake.register_case"):
            raise PermissionDenied(_("您的角色无权登记案件"))
        partner = selectors.partner_of(request.user)
        county = partner.county if partner is not None else _staff_county(request.user)
        form = CaseCreateSerializer(
            data=request.data,
            context={"partner": partner, "known_source": selectors.source_known},
        )
        form.is_valid(raise_exception=True)
        try:
            case, created = services.case_register_once(
                actor=request.user, county=county, data=form.to_input()
            )
        except DjangoValidationError as exc:
            raise DRFValidationError(
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            ) from exc
        return Response(
            {
                "number": case.number,
                "state": case.state,
                "suggested_window": case.suggested_window.code
                if case.suggested_window_id
                else None,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CaseDetail(APIView):
    """One case: parties masked (with ``?reveal=1``, in full for staff with the right on
    it, audited once for the request), timeline, risk flags, deadlines, documents."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "reveal", str, description="1：显示当事人完整证件号码和电话（记入审计）"
            )
        ],
        responses={200: OpenApiTypes.OBJECT, 404: _detail},
    )
    def get(self, request, number: str):
        case = selectors.case_detail(access_case_for(request.user, number))
        case_parties = list(case.case_parties.all())
        revealed = {}
        if request.query_params.get("reveal") == "1":
            if not can_see_personal_data(request.user, case):
                raise PermissionDenied(_("您无权查看该案当事人的完整个人信息"))
            revealed = services.parties_reveal(
                actor=request.user,
                case=case,
                parties=[cp.party for cp in case_parties],
                request=request,
            )
        parties = [party_out(cp, revealed.get(cp.party_id)) for cp in case_parties]
        body = CaseListSerializer(case).data
        body.update(
            description=case.description,
            amount=str(case.amount) if case.amount is not None else None,
            involved_count=case.involved_count,
            registered_by=case.registered_by.get_full_name() or case.registered_by.username,
            outcome=case.outcome,
            closed_at=case.closed_at,
            parties=parties,
            timeline=EventSerializer(case.events.all(), many=True).data,
            deadlines=case_clocks.for_case(case),
            documents=DocumentSerializer(
                case.documents.all(), many=True, context={"request": request, "number": case.number}
            ).data,
            attachments=[
                {"name": a.original_name, "content_type": a.content_type, "size": a.size}
                for a in case.attachments.all()
            ],
        )
        response = Response(body)
        if revealed:
            # Full personal data: no proxy or browser keeps a copy.
            patch_cache_control(response, no_store=True, private=True)
        return response


class TransitionList(APIView):
    """The transitions you may fire on this case now, with their fields."""

    @extend_schema(responses={200: _transition})
    def get(self, request, number: str):
        case = access_case_for(request.user, number)
        return Response(
            [
                {
                    "name": spec.name,
                    "label": str(spec.label),
                    "fields": [
                        _field_out(name, field)
                        for name, field in spec.form(case=case).fields.items()
                    ],
                }
                for spec in workflow.available(case, request.user)
            ]
        )


def _field_out(name: str, field) -> dict:
    """A transition's field as a client needs it: its name, label, whether it is required,
    and for a choice its allowed values (the case's county's organisations, mediators,
    providers … for a choice of records)."""
    out = {"name": name, "label": str(field.label), "required": field.required}
    choices = getattr(field, "choices", None)
    if choices is not None:
        out["choices"] = [
            {"value": str(value), "label": str(label)} for value, label in choices if value != ""
        ]
    return out


class TransitionFire(APIView):
    """Fire a transition with its fields (and optionally the ``version`` you saw):
    200 with the new state, 400 bad fields, 403 role, 404 unknown case, 409 state or
    version changed."""

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: inline_serializer(
                "Fired",
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
        data = request.data.copy()
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
            case = workflow.fire(
                actor=request.user, number=number, name=name, data=data, version=version
            )
        except workflow.TransitionError as exc:
            body = {"detail": exc.message}
            if exc.errors:
                body["errors"] = {k: [e["message"] for e in v] for k, v in exc.errors.items()}
                body["detail"] = "; ".join(f"{k}: {v[0]}" for k, v in body["errors"].items())
            return Response(body, status=exc.status)
        return Response({"number": case.number, "state": case.state, "version": case.version})


class DocumentList(APIView):
    """Each document's kind, status (pending/ready/failed) and download URL when ready."""

    @extend_schema(responses={200: DocumentSerializer(many=True)})
    def get(self, request, number: str):
        case = access_case_for(request.user, number)
        return Response(
            DocumentSerializer(
                case.documents.all(), many=True, context={"request": request, "number": case.number}
            ).data
        )


class DocumentDownload(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, number: str, pk: int):
        case = access_case_for(request.user, number)
        document = get_object_or_404(case.documents, pk=pk, status=CaseDocument.Status.READY)
        if not document.file:
            raise Http404
        documents.audit_download(actor=request.user, request=request, document=document, case=case)
        return FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            filename=document.file.name.rsplit("/", 1)[-1],
        )


urlpatterns = [
    path("cases/", CaseListCreate.as_view(), name="api-cases"),
    path("cases/<str:number>/", CaseDetail.as_view(), name="api-case"),
    path("cases/<str:number>/transitions/", TransitionList.as_view(), name="api-transitions"),
    path(
        "cases/<str:number>/transitions/<str:name>/",
        TransitionFire.as_view(),
        name="api-transition",
    ),
    path("cases/<str:number>/documents/", DocumentList.as_view(), name="api-documents"),
    path(
        "cases/<str:number>/documents/<int:pk>/download/",
        DocumentDownload.as_view(),
        name="api-document-download",
    ),
]
