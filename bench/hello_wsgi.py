"""The hello-world baseline: one Django view returning "ok", minimal settings (no
middleware, no database), served by the same gunicorn command as the app:

    .venv/bin/gunicorn hello_wsgi:application --chdir bench --workers 4
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-world-baseline-only-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request):
    return HttpResponse("ok")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
