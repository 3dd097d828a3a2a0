"""The OpenAPI schema's generator (drf-spectacular), apart from centre.api_errors: DRF
loads that module while it is itself being imported, and drf-spectacular imports DRF."""

from __future__ import annotations

from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ApiErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the errors every operation can return documented on
    each (unless the operation describes them itself): 401/403 where a login is needed,
    400 for a body (malformed, too deep, too large), 404 for a path naming an object, 429
    (throttled)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["429"]
        if not any(isinstance(p, AllowAny) for p in getattr(self.view, "get_permissions", list)()):
            codes += ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ApiErrorSerializer, code)
        return responses
