"""The original Bureaucrat fakeevent tool, ported to Python 3 and pika.

Publishes ``{**data, "event": name}`` to the default exchange, routing key ``bureaucrat_events``, as a
persistent message. Test additions: ``--host/--port``, and ``--count N`` with ``--index-field NAME`` (the
field NAME = i, 0..N-1, added to event i). One connection serves all N events.
"""

import argparse
import json
import sys

import pika

from broker import add_broker_args, connect


def main(argv=None):
    parser = argparse.ArgumentParser(description="Send a fake event to Bureaucrat")
    parser.add_argument("-e", "--event", required=True, help="the event's name")
    parser.add_argument("-d", "--data", default="{}", help="the event's data, a JSON object")
    add_broker_args(parser)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--index-field")
    args = parser.parse_args(argv)
    data = json.loads(args.data)
    if not isinstance(data, dict):
        parser.error("--data must be a JSON object")

    connection = connect(args)
    channel = connection.channel()
    for i in range(args.count):
        event = dict(data)
        if args.index_field:
            event[args.index_field] = i
        event["event"] = args.event
        channel.basic_publish(
            exchange="",
            routing_key="bureaucrat_events",
            body=json.dumps(event),
            properties=pika.BasicProperties(delivery_mode=2),
        )
    connection.close()
    print("sent %d" % args.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
