# syntax=docker/dockerfile:1

# --- Stage 1: browser assets -------------------------------------------------
# bootstrap/htmx/echarts are served by the app itself (county intranets have no
# internet, so no CDN). Node is needed only to fetch and copy them.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/copy-assets.mjs scripts/
RUN npm ci --omit=dev && npm run build


# --- Stage 2: translations ---------------------------------------------------
# .mo files are build output; compile them here so gettext's msgfmt stays out
# of the final image. --check-format fails the build on broken placeholders.
FROM python:3.11-slim-bookworm AS i18n
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN find . -path '*/locale/*' -name '*.po' -exec sh -c \
        'for po; do msgfmt --check-format -o "${po%.po}.mo" "$po" || exit 1; done' sh {} +


# --- Stage 3: runtime --------------------------------------------------------
FROM python:3.11-slim-bookworm

# PYTHONPATH: run the source tree in /app (next to templates/, static/, locale/)
# rather than the copy pip installs into site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=centre.settings

# WeasyPrint runtime: pango/harfbuzz/fontconfig. libharfbuzz-subset0 lets it
# subset fonts natively (9-30x faster PDFs); fonts-noto-cjk renders Chinese.
# fontconfig (fc-cache) builds the system font cache once at build time so
# every worker process does not rescan ~90 MB of CJK fonts.
# tzdata: TIME_ZONE is Asia/Shanghai and zoneinfo needs the system database.
# postgresql-client: pg_dump and pg_restore for `manage.py backup` and `restore` (major
# version 15, as the compose file's server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        libharfbuzz-subset0 \
        libharfbuzz0b \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libfontconfig1 \
        fontconfig \
        postgresql-client \
        tzdata \
    && fc-cache -f \
    && rm -rf /var/lib/apt/lists/*

# Fixed UID/GID so host-side files (docker secrets are bind mounts in plain
# compose) can be chowned to it: chown 10001:10001 secrets/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app/var \
        --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, from pyproject.toml + constraints.txt only, so this slow
# layer is reused until the dependency list or the pins change.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb')); print('\n'.join(p['project'].get('dependencies', [])))" \
        > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY --from=i18n /src/ ./
COPY --from=assets /src/static/vendor/ ./static/vendor/

# The project itself (deps are already satisfied, so this is quick); remove the
# setuptools build leftovers from the source tree.
RUN pip install -c constraints.txt . \
    && rm -rf build ./*.egg-info \
    && python -m compileall -q /app

# collectstatic only imports settings (nothing connects): a throwaway key is
# enough. Static files stay root-owned, read-only for the app; only /app/var
# (beat schedule) and /app/var/media (a volume) are writable by it.
RUN mkdir -p /app/var/media \
    && SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
    && chown app:app /app/var /app/var/media

USER app
EXPOSE 8000

# Workers come from WEB_CONCURRENCY (gunicorn reads it); compose overrides the
# command per service (web, worker, beat, migrate).
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "centre.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
