"""The fault suite: what the user sees, and that nothing is lost, when a part fails.

The broker is made unreachable by pointing Celery at a closed loopback port (the real Redis
stays up for the rest of the suite); workers are real `celery worker` processes on the test
Redis, killed with SIGKILL; PostgreSQL drops the portal's connections (pg_terminate_backend,
what a restart does to them, without stopping the cluster other test runs share).
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from cpts_portal.celery import app as celery_app
from tests.conftest import TEST_MEDIA_ROOT

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: nothing listens there


def reset_broker_connections() -> None:
    """Forget the pooled broker connections (they were opened on the old broker URL)."""
    celery_app._pool = None  # kombu keeps one pool per broker URL: the next use picks it
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings):
    """Control of the broker: `broker.down()` points Celery at a closed port and sends tasks
    for real (not in-process); `broker.up()` gives the real Redis back."""
    url, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager

    class Broker:
        def down(self):
            celery_app.conf.task_always_eager = False
            celery_app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
            reset_broker_connections()

        def up(self, *, eager=True):
            celery_app.conf.broker_url = url
            celery_app.conf.task_always_eager = eager
            reset_broker_connections()

    yield Broker()
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, eager
    reset_broker_connections()


def worker_env(**extra) -> dict:
    env = dict(os.environ, CELERY_TASK_ALWAYS_EAGER="false", MEDIA_ROOT=TEST_MEDIA_ROOT, **extra)
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


@pytest.fixture
def workers():
    """Start real Celery workers (tests/faults/worker.py) on a queue of their own; every worker
    still alive is killed at the end. `workers.start(**env)`, `workers.kill(process)`."""
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    started = []

    class Workers:
        name = queue

        def start(self, **env):
            log = tempfile.TemporaryFile()
            process = subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).with_name("worker.py")),
                    "worker",
                    "--pool=solo",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=WARNING",
                    "-Q",
                    queue,
                    "-n",
                    f"{queue}-{len(started)}@%h",
                ],
                cwd=ROOT,
                env=worker_env(**env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed whole
            )
            process.log = log
            started.append(process)
            return process

        def kill(self, process):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

        def output(self, process) -> str:
            process.log.seek(0)
            return process.log.read().decode(errors="replace")

    default_queue = celery_app.conf.task_default_queue
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    yield Workers()
    celery_app.conf.task_default_queue = default_queue
    celery_app.conf.task_always_eager = eager
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.log.close()


def wait_for(predicate, *, timeout: float, step: float = 0.25):
    """Poll until `predicate()` is truthy; return its value (or the last one at the time-out)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)
