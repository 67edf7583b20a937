"""The original Bureaucrat launcher, ported to Python 3 and pika.

It reads a process definition, merges the launch fields into its <context>, writes the context back as
typed <property> elements (first child of <process>) and publishes the XML to the launcher queue as a
persistent message — the same bytes the Python 2 engine's launcher published.

Test CLI: ``python launcher.py --host H --port P --process FILE [--fields JSON] [--count N]
[--index-field NAME]``. With ``--count N`` the process is launched N times; ``--index-field NAME`` adds the
field NAME = i (0..N-1) to launch i so the launches differ. Each launch opens its own connection, as the
original did.
"""

import argparse
import json
import sys
import xml.etree.ElementTree as ET

import pika

from broker import add_broker_args, connection_parameters


def context2dict(element):
    """Convert a <context> element to a dict."""
    context = {}
    for child in element:
        if child.tag != "property":
            continue
        name = child.attrib["name"]
        ptype = child.attrib["type"]
        text = child.text or ""
        if ptype == "int":
            context[name] = int(text)
        elif ptype == "float":
            context[name] = float(text)
        elif ptype == "str":
            context[name] = text
        elif ptype == "bool":
            context[name] = bool(int(text))
        elif ptype == "json":
            context[name] = json.loads(text)
        else:
            raise TypeError("Unknown property type: %s" % ptype)
    return context


class Launcher(object):
    """Launches processes by publishing their definitions to the engine's launcher queue."""

    def __init__(self, config=None):
        config = config or {}
        self.host = config.get("host", "localhost")
        self.port = int(config.get("port", 5672))
        self.user = config.get("user", "guest")
        self.passwd = config.get("passwd", "guest")
        self.vhost = config.get("vhost", "/")
        self.launcher_key = config.get("launcher_routing_key", "bureaucrat")
        self.exchange = config.get("launcher_exchange", "")

    def _parameters(self):
        return connection_parameters(self.host, self.port, self.vhost, self.user, self.passwd)

    def launch(self, process_path, fields=None):
        """Launch the process in process_path, its context updated with fields."""
        fields = fields or {}
        tree = ET.parse(process_path)
        proc_elem = tree.getroot()
        assert proc_elem.tag == "process", "the root element must be <process>, not <%s>" % proc_elem.tag
        context = {}
        ctx = proc_elem.find("context")
        if ctx is not None:
            context = context2dict(ctx)
            proc_elem.remove(ctx)
        context.update(fields)
        ctx = ET.Element("context")
        for key, value in context.items():
            # bool before int: bool is a subclass of int.
            if isinstance(value, bool):
                ET.SubElement(ctx, "property", type="bool", name=key).text = str(int(value))
            elif isinstance(value, float):
                ET.SubElement(ctx, "property", type="float", name=key).text = str(value)
            elif isinstance(value, str):
                ET.SubElement(ctx, "property", type="str", name=key).text = value
            elif isinstance(value, int):
                ET.SubElement(ctx, "property", type="int", name=key).text = str(value)
            else:
                ET.SubElement(ctx, "property", type="json", name=key).text = json.dumps(value)
        proc_elem.insert(0, ctx)
        pdef = ET.tostring(proc_elem)

        connection = pika.BlockingConnection(self._parameters())
        channel = connection.channel()
        channel.basic_publish(
            exchange=self.exchange,
            routing_key=self.launcher_key,
            body=pdef,
            properties=pika.BasicProperties(delivery_mode=2),
        )
        connection.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Launch a Bureaucrat process over AMQP")
    add_broker_args(parser)
    parser.add_argument("--routing-key", default="bureaucrat")
    parser.add_argument("--exchange", default="")
    parser.add_argument("--process", required=True, help="the process definition (XML file)")
    parser.add_argument("--fields", default="{}", help="launch fields, a JSON object")
    parser.add_argument("--count", type=int, default=1, help="launch the process this many times")
    parser.add_argument("--index-field", help="add this field, set to the launch's index 0..N-1")
    args = parser.parse_args(argv)
    fields = json.loads(args.fields)
    if not isinstance(fields, dict):
        parser.error("--fields must be a JSON object")
    launcher = Launcher(
        {
            "host": args.host,
            "port": args.port,
            "user": args.user,
            "passwd": args.passwd,
            "vhost": args.vhost,
            "launcher_routing_key": args.routing_key,
            "launcher_exchange": args.exchange,
        }
    )
    for i in range(args.count):
        launch_fields = dict(fields)
        if args.index_field:
            launch_fields[args.index_field] = i
        launcher.launch(args.process, launch_fields)
    print("launched %d" % args.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
