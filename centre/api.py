"""The centre's API: tokens and the reference lists other screens and platforms use."""

from __future__ import annotations

import json
from datetime import date

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from centre import selectors, sms, sms_gateway, tokens, two_factor
from centre.models import ApiToken, DeadlineRule, Window
from centre.periods import rule_due
from centre.serializers import (
    CategorySerializer,
    RegionSerializer,
    TokenInfoSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    WindowSerializer,
)
from centre.validators import day_in_range, out_of_range_message

_error = inline_serializer("Error", {"detail": serializers.CharField()})


class TokenObtainView(APIView):
    """``POST {"username", "password", "device", "otp"}`` → ``{"token", "expires"}`` for
    ``Authorization: Token <key>``: a new token for each login, shown this once (only its
    digest is kept). ``otp``, the dynamic password, is required when two factors are
    (``OTP_REQUIRED``); a service account never signs in here (its password is refused,
    ``centre.auth_backends``). ``DELETE`` with a token revokes that token."""

    permission_classes = [AllowAny]

    def get_authenticators(self):
        # POST signs in with a password; DELETE is made with the token it revokes.
        request = getattr(self, "request", None)
        if request is not None and request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer, 400: _error, 401: _error, 403: _error},
        summary="获取接口令牌",
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        username = form.validated_data["username"]
        password = form.validated_data["password"]
        # A locked account is told so plainly (django-axes would otherwise make it look
        # like a wrong password).
        if AxesProxyHandler.is_locked(request._request, get_credentials(username=username)):
            return Response(
                {"detail": _("登录失败次数过多，账号已锁定，请稍后再试或联系安全管理员")},
                status=status.HTTP_403_FORBIDDEN,
            )
        user = authenticate(request._request, username=username, password=password)
        if user is None or not user.is_active:
            return Response({"detail": _("用户名或密码错误")}, status=status.HTTP_400_BAD_REQUEST)
        if settings.OTP_REQUIRED:
            checked = two_factor.code_check(
                user=user, code=form.validated_data["otp"], request=request
            )
            if checked.device is None:
                return Response(
                    {"detail": f"otp: {checked.error}", "errors": {"otp": [checked.error]}},
                    status=status.HTTP_401_UNAUTHORIZED,
                )
        device = form.validated_data.get("device") or request.headers.get("User-Agent", "")
        issued = tokens.token_issue(user=user, name=device, request=request)
        return Response({"token": issued.key, "expires": issued.token.expires_at})

    @extend_schema(responses={204: None, 401: _error}, summary="吊销当前使用的接口令牌")
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            return Response(
                {"detail": _("请使用要吊销的接口令牌发出请求")}, status=status.HTTP_400_BAD_REQUEST
            )
        tokens.token_revoke(
            actor=request.user, tokens=ApiToken.objects.filter(pk=request.auth.pk), request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenList(APIView):
    """The caller's own tokens: device, issued, last used, expires, live or not — never
    their values."""

    @extend_schema(responses={200: TokenInfoSerializer(many=True)}, summary="我的接口令牌")
    def get(self, request):
        own = ApiToken.objects.filter(user=request.user)[:100]
        current = request.auth.pk if isinstance(request.auth, ApiToken) else None
        return Response(TokenInfoSerializer(own, many=True, context={"current": current}).data)


class TokenRevoke(APIView):
    """Revoke one of the caller's own tokens (another device's, say)."""

    @extend_schema(responses={204: None, 404: _error}, summary="吊销我的某个接口令牌")
    def delete(self, request, pk: int):
        found = ApiToken.objects.filter(user=request.user, pk=pk)
        if not found.exists():
            return Response({"detail": _("没有该令牌")}, status=status.HTTP_404_NOT_FOUND)
        tokens.token_revoke(actor=request.user, tokens=found, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WindowList(generics.ListAPIView):
    """The centre's six functional windows."""

    serializer_class = WindowSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Window.objects.none()
        return selectors.window_list()


class CategoryList(generics.ListAPIView):
    """The dispute category taxonomy (active categories)."""

    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.category_list()


@extend_schema(
    parameters=[
        OpenApiParameter(
            "parent",
            str,
            description="上级代码：县代码给出乡镇/街道，乡镇代码给出村/社区，村代码给出网格；"
            "省略则给出所有乡镇/街道",
        )
    ]
)
class RegionList(generics.ListAPIView):
    """Regions one level below ``parent`` (for cascading pickers)."""

    serializer_class = RegionSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.region_children(parent_code=self.request.query_params.get("parent"))


class DeadlineCalculation(APIView):
    """``?rule=<code>&start=YYYY-MM-DD`` → when the period ends, by the holiday rules."""

    @extend_schema(
        parameters=[
            OpenApiParameter("rule", str, required=True, description="期限规则编码"),
            OpenApiParameter("start", str, required=True, description="起算日YYYY-MM-DD"),
        ],
        responses={
            200: inline_serializer(
                "Deadline",
                {
                    "rule": serializers.CharField(),
                    "start": serializers.DateField(),
                    "due": serializers.DateField(),
                    "unit": serializers.CharField(),
                    "days": serializers.IntegerField(),
                    "provisional": serializers.BooleanField(),
                },
            ),
            400: _error,
        },
    )
    def get(self, request):
        code, start = request.query_params.get("rule", ""), request.query_params.get("start", "")
        rule = DeadlineRule.objects.filter(code=code, active=True).first()
        errors = {}
        if rule is None:
            errors["rule"] = [_("没有编码为“%(code)s”的期限规则") % {"code": code}]
        try:
            start_day = date.fromisoformat(start)
        except ValueError:
            errors["start"] = [_("起算日应写作年-月-日，如2026-12-08")]
        else:
            if not day_in_range(start_day):  # a period added to it would overflow
                errors["start"] = [out_of_range_message()]
        if errors:
            return Response(
                {"detail": next(f"{k}: {v[0]}" for k, v in errors.items()), "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        due = rule_due(rule, start_day)
        return Response(
            {
                "rule": rule.code,
                "start": start_day,
                "due": due.date,
                "unit": rule.unit,
                "days": rule.length,
                "provisional": due.provisional,
            }
        )


class SmsReplyView(APIView):
    """``POST {"phone", "text"}`` from the SMS gateway: a resident's reply to one of our
    messages, signed like our requests to it (centre.sms_gateway). "TD", "T" or "退订"
    opts the phone out of non-statutory SMS. No user signs in here: the signature is the
    authentication, and the gateway relays replies in bursts, so no per-address throttle."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(
        request=inline_serializer(
            "SmsReply", {"phone": serializers.CharField(), "text": serializers.CharField()}
        ),
        responses={
            200: inline_serializer("SmsReplyResult", {"opted_out": serializers.BooleanField()}),
            400: _error,
            403: _error,
        },
        summary="短信平台上行回复（退订）",
    )
    def post(self, request):
        body = request.body  # read first: the signature covers the bytes as sent
        if not sms_gateway.callback_verified(
            method="POST", path=request.path, headers=request.headers, body=body
        ):
            return Response({"detail": _("签名无效或已过期。")}, status=status.HTTP_403_FORBIDDEN)
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("phone"), str):
            return Response(
                {"detail": _("%(field)s：必填。") % {"field": "phone"}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            done = sms.reply_receive(phone=data["phone"], text=str(data.get("text") or ""))
        except DjangoValidationError as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"opted_out": done})


urlpatterns = [
    path("sms/replies/", SmsReplyView.as_view(), name="api-sms-replies"),
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/tokens/", TokenList.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", TokenRevoke.as_view(), name="api-token-revoke"),
    path("windows/", WindowList.as_view(), name="api-windows"),
    path("categories/", CategoryList.as_view(), name="api-categories"),
    path("regions/", RegionList.as_view(), name="api-regions"),
    path("deadlines/calculate/", DeadlineCalculation.as_view(), name="api-deadline-calculate"),
]
