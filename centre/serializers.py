from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from centre.models import Category, Region, Window
from centre.names import ref_name
from centre.validators import otp_code_validator


@extend_schema_field(OpenApiTypes.STR)
class RefNameField(serializers.Field):
    """A reference object's name in the request's language (``Accept-Language: en`` gives
    the English name where an administrator has set one), by the rule of centre.names."""

    def __init__(self, of: str = "*", **kwargs):
        super().__init__(source=of, read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return ref_name(value)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(
        label=_("密码"), style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )
    device = serializers.CharField(label=_("设备名称"), required=False, max_length=100)
    otp = serializers.CharField(
        label=_("动态口令"),
        required=False,
        write_only=True,
        validators=[otp_code_validator],
        help_text=_("身份验证器应用显示的6位动态口令；系统要求双因素登录时必填"),
    )

    def validate(self, data):
        # GB/T 22239-2019 8.1.4.1 d: a person's token login takes both factors, as the
        # page's does (centre.two_factor).
        if settings.OTP_REQUIRED and not data.get("otp"):
            raise serializers.ValidationError({"otp": [_("请填写动态口令")]})
        return data


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class TokenInfoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    live = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()

    def get_live(self, token) -> bool:
        return token.is_live

    def get_current(self, token) -> bool:
        return token.pk == self.context.get("current")


class WindowSerializer(serializers.ModelSerializer):
    name = RefNameField()

    class Meta:
        model = Window
        fields = ["code", "name", "description"]


class CategorySerializer(serializers.ModelSerializer):
    name = RefNameField()
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name", "parent"]


class RegionSerializer(serializers.ModelSerializer):
    name = RefNameField()
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SerializerMethodField()
    has_children = serializers.BooleanField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "county", "parent", "has_children"]

    def get_parent(self, region: Region) -> str:
        """The parent region's code, or the county code for a town."""
        return region.parent.code if region.parent_id else region.county.code
