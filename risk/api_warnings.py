"""The risk warnings API (``/api/v1/risk/warnings/``)."""

urlpatterns: list = []
