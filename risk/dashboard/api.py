"""The statistics API (``/api/v1/stats/overview/``) for big screens and other platforms."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from centre.replica import lag_tolerant
from risk.dashboard import kpis

DASHBOARD = "centre.view_dashboard"
_error = inline_serializer("StatsError", {"detail": serializers.CharField()})


def _params(request) -> kpis.StatsFilters:
    if not request.user.has_perm(DASHBOARD):
        raise PermissionDenied(_("只有领导和窗口督办员可以查看统计"))
    try:
        return kpis.parse_filters(request.user, request.query_params)
    except kpis.FilterError as exc:
        raise ValidationError({exc.field: [exc.message]}) from None


class StatsOverview(APIView):
    """The dashboard's figures as JSON.

    统计口径：登记日期在 ``from``–``to`` 之间（含两端）的案件，按其当前状态计；各比率同时给出
    分子和分母（分母为 0 时比率为 null）；``overdue_now`` 为当前超期未办结的案件数；
    ``answered_consultations`` 为办结结果为当场解答的咨询件数（计入化解）。
    市级、省级领导的结果包含所辖各县（``by_county`` 并列对比），可用 ``county`` 只看一个县。
    """

    @extend_schema(
        summary="驾驶舱统计总览",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="开始日期，默认本年1月1日"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="结束日期，默认今天"),
            OpenApiParameter("region", str, description="乡镇/街道区划代码"),
            OpenApiParameter("window", str, description="窗口编码"),
            OpenApiParameter("category", str, description="一级纠纷类别编码"),
            OpenApiParameter("county", str, description="县级代码（市、省级领导选择其一）"),
            OpenApiParameter(
                "trend", str, enum=list(kpis.TREND_UNITS), description="趋势粒度，默认按期间长短"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: _error, 403: _error},
    )
    @lag_tolerant
    def get(self, request):
        return Response(kpis.overview(_params(request)).as_json())


urlpatterns = [path("stats/overview/", StatsOverview.as_view(), name="api-stats-overview")]
