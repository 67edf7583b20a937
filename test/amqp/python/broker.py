"""What the test's stand-ins for the original tools share: their broker options and the connection they
make from them (the originals read the same settings from their config)."""

import pika


def add_broker_args(parser):
    """Adds ``--host --port --vhost --user --passwd`` (the original's defaults) to an argparse parser."""
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=5672)
    parser.add_argument("--vhost", default="/")
    parser.add_argument("--user", default="guest")
    parser.add_argument("--passwd", default="guest")


def connection_parameters(host, port, vhost, user, passwd):
    """pika's parameters for a broker reached with these settings."""
    return pika.ConnectionParameters(
        host=host,
        port=port,
        virtual_host=vhost,
        credentials=pika.PlainCredentials(user, passwd),
    )


def connect(args):
    """A blocking connection to the broker of parsed ``add_broker_args`` options."""
    return pika.BlockingConnection(connection_parameters(args.host, args.port, args.vhost, args.user, args.passwd))
