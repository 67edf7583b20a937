"""A Celery 5 app standing in for the legacy Bureaucrat deployments' Celery participants.

The engine publishes Celery task protocol 1 messages (JSON body with "task", "id", "args", ..., no task
headers) to the direct exchange ``legacy_tasks``, routing key ``legacy_tasks``; Celery 5 workers still
accept protocol 1 on receipt. The task's result goes back to the engine through the ``task_success``
handler below, as in the seed deployment: a persistent message to the default exchange, routing key
``bureaucrat_msgs``.

Run: ``python -m celery -A legacy_tasks worker -Q legacy_tasks --pool solo -c 1 --without-heartbeat
--without-gossip --without-mingle -l info`` (cwd: this folder; env BROKER_URL=amqp://...).
"""

import json
import logging
import os

import pika
from celery import Celery, bootsteps
from celery.signals import task_success
from kombu import Exchange, Queue

# pika logs every connection step at INFO: too loud beside the worker's own log.
logging.getLogger("pika").setLevel(logging.WARNING)

app = Celery("legacy_tasks", broker=os.environ["BROKER_URL"])
app.conf.update(
    task_queues=[Queue("legacy_tasks", Exchange("legacy_tasks", type="direct"), routing_key="legacy_tasks")],
    task_default_queue="legacy_tasks",
    task_ignore_result=True,
    accept_content=["json"],
    task_serializer="json",
    broker_connection_retry_on_startup=True,
)


class PromptShutdown(bootsteps.StartStopStep):
    """Test-only: wakes the worker's event loop twice a second.

    Celery handles SIGTERM by setting a flag its event loop checks after each poll, and the poll waits up to
    10 s when no timer is due, so an idle worker takes ~10 s to stop. A short repeating no-op timer makes it
    stop within a second. It changes nothing else.
    """

    requires = {"celery.worker.components:Hub"}

    def start(self, worker):
        if worker.hub is not None:
            worker.hub.call_repeatedly(0.5, lambda: None)


app.steps["worker"].add(PromptShutdown)


@app.task(name="legacy_tasks.charge")
def charge(body):
    body["payload"]["charged"] = True
    body["payload"]["charged_by"] = "celery"
    return body


@task_success.connect
def handle_task_success(sender=None, **kwargs):
    parameters = pika.URLParameters(os.environ["BROKER_URL"])
    connection = pika.BlockingConnection(parameters)
    channel = connection.channel()
    channel.basic_publish(
        exchange="",
        routing_key="bureaucrat_msgs",
        body=json.dumps(kwargs["result"]),
        properties=pika.BasicProperties(delivery_mode=2, content_type="application/x-bureaucrat-workitem"),
    )
    connection.close()
