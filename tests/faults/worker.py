"""A real Celery worker for the fault suite, whose PDF renders can be made slow
(SLOW_RENDER_SECONDS) so that the test kills it mid-render."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpts_portal.settings")

import django  # noqa: E402

django.setup()

from cpts_portal.celery import app  # noqa: E402
from cpts_portal.lib import pdf  # noqa: E402

SLOW = float(os.environ.get("SLOW_RENDER_SECONDS", "0"))

if SLOW:
    render = pdf.render

    def slow_render(html, *args, **kwargs):
        time.sleep(SLOW)
        return render(html, *args, **kwargs)

    pdf.render = slow_render

if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
