"""A taskqueue-style participant worker, like the original ``rojkov/taskqueue`` the Python engine used.

For each ``--participant NAME`` it declares the durable queue ``worker_NAME`` and consumes the engine's
requests there: JSON bodies ``{"name": "response", "target": T, "origin": T, "payload": workitem}``. The
participant's handler changes the workitem, and the reply ``{"name": "response", "target": T, "origin": T,
"payload": workitem}`` goes to the default exchange, routing key ``bureaucrat_msgs`` (persistent, content
type application/x-bureaucrat-message); then the request is acked.

Handlers, chosen by participant name:
  tq_stamp     payload["tq"] = "taskqueue", payload["tq_count"] += 1; status stays "done".
  tq_flaky     the first request for a target: a reply with status "error", error "try later", and ~1 s
               later a second reply for the same target with status "done" and payload["recovered"] = True.
  tq_critical  status "critical", error "out of paper".
Any other name echoes the workitem unchanged.

Prints ``taskqueue worker serving NAME...`` once it consumes; exits cleanly (status 0) on SIGTERM/SIGINT.
"""

import argparse
import json
import signal
import sys

import pika

from broker import add_broker_args, connect

CONTENT_TYPE = "application/x-bureaucrat-message"
REPLY_KEY = "bureaucrat_msgs"


def log(message):
    print(message, flush=True)


class Worker(object):
    def __init__(self, connection, channel):
        self.connection = connection
        self.channel = channel
        self.flaky_seen = set()

    def reply(self, target, origin, payload):
        body = {"name": "response", "target": target, "origin": origin, "payload": payload}
        self.channel.basic_publish(
            exchange="",
            routing_key=REPLY_KEY,
            body=json.dumps(body),
            properties=pika.BasicProperties(delivery_mode=2, content_type=CONTENT_TYPE),
        )

    def handle(self, participant, target, origin, payload):
        if participant == "tq_stamp":
            payload["tq"] = "taskqueue"
            payload["tq_count"] = payload.get("tq_count", 0) + 1
            self.reply(target, origin, payload)
        elif participant == "tq_flaky":
            if target in self.flaky_seen:
                payload["recovered"] = True
                payload["status"] = "done"
                self.reply(target, origin, payload)
                return
            self.flaky_seen.add(target)
            failed = dict(payload, status="error", error="try later")
            self.reply(target, origin, failed)
            recovered = dict(payload, status="done", recovered=True)
            recovered.pop("error", None)
            self.connection.call_later(1.0, lambda: self.reply(target, origin, recovered))
        elif participant == "tq_critical":
            payload["status"] = "critical"
            payload["error"] = "out of paper"
            self.reply(target, origin, payload)
        else:
            self.reply(target, origin, payload)

    def consumer(self, participant):
        def on_message(channel, method, properties, body):
            try:
                message = json.loads(body)
                target = message["target"]
                origin = message.get("origin", target)
                payload = message.get("payload") or {}
            except (ValueError, KeyError, TypeError) as exc:
                log("taskqueue worker %s: dropping a malformed message (%s): %r" % (participant, exc, body))
                channel.basic_ack(delivery_tag=method.delivery_tag)
                return
            log("taskqueue worker %s: request for %s" % (participant, target))
            self.handle(participant, target, origin, payload)
            channel.basic_ack(delivery_tag=method.delivery_tag)

        return on_message


def main(argv=None):
    parser = argparse.ArgumentParser(description="A taskqueue-style Bureaucrat participant worker")
    parser.add_argument("--participant", action="append", required=True, help="a participant name (repeatable)")
    add_broker_args(parser)
    args = parser.parse_args(argv)

    connection = connect(args)
    channel = connection.channel()
    channel.basic_qos(prefetch_count=1)
    worker = Worker(connection, channel)
    for name in args.participant:
        queue = "worker_%s" % name
        channel.queue_declare(queue=queue, durable=True)
        channel.basic_consume(queue=queue, on_message_callback=worker.consumer(name))

    def on_signal(signum, frame):
        # Thread-safe hand-off: the handler may run inside pika's I/O loop.
        connection.add_callback_threadsafe(channel.stop_consuming)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log("taskqueue worker serving %s..." % ", ".join(args.participant))
    channel.start_consuming()
    try:
        connection.close()
    except Exception:  # pylint: disable=broad-except
        pass
    log("taskqueue worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
