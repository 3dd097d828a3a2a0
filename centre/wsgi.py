import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centre.settings")

application = get_wsgi_application()

# The URL patterns, and the views they import, would be loaded by the worker's first
# request (which then takes ~0.3 s): loaded now, and frozen below with the rest.
get_resolver().url_patterns  # noqa: B018

# Everything loaded so far (Django, the apps, their modules) lives as long as the worker:
# out of the cyclic collector's sight, its full collections no longer walk ~190,000
# objects. Measured on a registration: 0.26 → 0.09 ms of garbage collection per request.
gc.collect()
gc.freeze()
