"""What a web worker does once, at start-up (centre/wsgi.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a worker's first request would notice: its URLs are there already. (How many objects
# gc.freeze() set aside is the collector's business, not asserted.)
CHECK = """
import centre.wsgi
from django.urls import get_resolver
assert "url_patterns" in get_resolver().__dict__, "URL patterns not loaded at start-up"
print("ok")
"""


def test_a_worker_loads_its_urls_at_start_up():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    out = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
