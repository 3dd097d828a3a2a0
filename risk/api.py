"""The statistics API (``/api/v1/stats/overview/``)."""

urlpatterns: list = []
