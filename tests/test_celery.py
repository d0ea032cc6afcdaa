import pytest

from cpts_portal.celery import app as celery_app
from cpts_portal.tasks import ping_task


@pytest.mark.redis
def test_a_task_goes_through_redis_to_a_real_worker_and_back(real_celery):
    result = ping_task.apply_async(kwargs={"value": "bonjour"}, queue=real_celery)

    assert result.get(timeout=60) == {"value": "bonjour"}
    assert result.state == "SUCCESS"
    assert celery_app.conf.broker_url.startswith("redis://")


def test_celery_is_configured_from_the_settings():
    conf = celery_app.conf

    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    assert conf.worker_max_tasks_per_child > 0
    assert conf.timezone == "Europe/Paris"


def test_tasks_run_in_process_without_a_broker():
    result = ping_task.delay(value="sur place")

    assert result.get() == {"value": "sur place"}
