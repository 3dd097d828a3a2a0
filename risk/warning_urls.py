"""URL patterns filled in by their feature."""

urlpatterns: list = []
