"""``python -m bureaucrat_participants --participants module.py --task-queue Q``: serves Python participants.

Connection settings as on the Node side: ``--address``/``--namespace`` override ``TEMPORAL_ADDRESS``,
``TEMPORAL_NAMESPACE`` (and the Temporal config-file profile where the SDK supports it), else
``localhost:7233`` and ``default``; ``--profile`` picks a ``temporal.toml`` profile (API key and TLS come from
the same settings), like ``bureaucrat worker``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional

from temporalio.client import Client
from temporalio.worker import Worker

from ._core import load_participants, participant_activities


def _connect_config(address: Optional[str], namespace: Optional[str], profile: Optional[str]) -> Dict[str, Any]:
    config: Dict[str, Any] = {}
    try:  # envconfig (TEMPORAL_* variables, API key, TLS, temporal.toml profiles), in SDK versions that have it
        from temporalio.envconfig import ClientConfig  # type: ignore
    except ImportError:
        ClientConfig = None  # older SDK: the two variables below only
    if ClientConfig is not None:
        config = dict(ClientConfig.load_client_connect_config(profile=profile))
    config["target_host"] = address or config.get("target_host") or os.environ.get("TEMPORAL_ADDRESS") or "localhost:7233"
    config["namespace"] = namespace or config.get("namespace") or os.environ.get("TEMPORAL_NAMESPACE") or "default"
    return config


async def _serve(args: argparse.Namespace) -> None:
    participants = load_participants(args.participants)
    config = _connect_config(args.address, args.namespace, args.profile)
    client = await Client.connect(**config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover (Windows)
            pass
    with ThreadPoolExecutor(max_workers=args.threads) as executor:
        worker = Worker(
            client,
            task_queue=args.task_queue,
            activities=participant_activities(participants),
            activity_executor=executor,
        )
        async with worker:
            names = ", ".join(sorted(participants))
            print(
                f"bureaucrat participants worker on {config['target_host']} namespace {config['namespace']}, "
                f"task queue {args.task_queue}: {names}",
                flush=True,
            )
            await stop.wait()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bureaucrat_participants", description=__doc__)
    parser.add_argument("--participants", required=True, help="module file (or dotted name) defining `participants`")
    parser.add_argument("--task-queue", required=True, help="the task queue the actions are routed to")
    parser.add_argument("--address", help="Temporal frontend HOST:PORT (default: $TEMPORAL_ADDRESS, localhost:7233)")
    parser.add_argument("--namespace", help="namespace (default: $TEMPORAL_NAMESPACE, default)")
    parser.add_argument("--profile", help="Temporal config profile (default: $TEMPORAL_PROFILE, default)")
    parser.add_argument("--threads", type=int, default=16, help="threads for sync participants (default 16)")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
