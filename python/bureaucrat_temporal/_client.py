"""The original's call shapes over the HTTP API: :class:`Launcher`, :class:`ProcessHandle`, :class:`Events`,
and :class:`Definitions` (definitions deployed by name and version)."""

from __future__ import annotations

import math
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union, cast

from ._config import ConfigLike, resolve_config
from ._errors import ApiError, ProcessCancelledError, ProcessFaultError
from ._http import Transport, quote
from ._types import (
    DeployedDefinition,
    DeployedName,
    DeployedVersion,
    DeployResult,
    JsonObject,
    ProcessDetails,
    ProcessPage,
)

#: The longest wait the API grants one result request (it answers 202 then, and the client asks again).
MAX_WAIT_SECONDS = 300.0

#: A definition: XML text, or the path of a file holding it.
Definition = Union[str, "os.PathLike[str]"]

#: A duration: ``"10m"``, ``"30s"``, ``"500ms"``, a number of seconds, or a ``timedelta``.
Duration = Union[str, int, float, timedelta]


class ProcessHandle:
    """One process (one process id), running or ended.

    ``started`` says whether the launch that returned it started it (False: a process with that id was
    running or had completed, and that one was returned); ``run_id`` is its current run, or None for a
    handle from :meth:`Launcher.get`.
    """

    def __init__(
        self, transport: Transport, process_id: str, run_id: Optional[str] = None, started: bool = False
    ) -> None:
        self._transport = transport
        self.process_id = process_id
        self.run_id = run_id
        self.started = started
        self._path = f"/v1/processes/{quote(process_id)}"

    def __repr__(self) -> str:
        return f"ProcessHandle(process_id={self.process_id!r}, run_id={self.run_id!r}, started={self.started!r})"

    def details(self) -> ProcessDetails:
        """Everything the API says about the process: ``status``, ``state`` (the state tree), ``context``,
        ``fault`` (when it failed), ``paused``, ``startTime``, ``closeTime``… Raises
        :class:`ProcessNotFoundError` for an unknown id."""
        return cast(ProcessDetails, self._transport.call("GET", self._path)[1])

    def state(self) -> Dict[str, Any]:
        """The state tree: every activity with its ``id``, ``type``, ``state`` (``ready``, ``active``,
        ``completed``, ``faulted``, ``cancelled``…), ``children`` and ``faults``."""
        return self.details()["state"]

    def context(self) -> JsonObject:
        """The process context as it is now."""
        return self.details()["context"]

    def result(self, timeout: Optional[float] = None) -> JsonObject:
        """Waits for the process to end and returns its final context.

        Raises :class:`ProcessFaultError` (with ``code`` and ``message``) when it ended on a fault,
        :class:`ProcessCancelledError` when it was cancelled or terminated, and ``TimeoutError`` when it
        still runs after ``timeout`` seconds (None: wait as long as it takes; ``result(timeout=0)`` of an
        ended process returns at once). Long waits are long polls of at most 5 minutes each.
        """
        if timeout is not None and (not math.isfinite(timeout) or timeout < 0):
            raise ValueError(f"timeout must be a non-negative number of seconds or None, got {timeout!r}")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = MAX_WAIT_SECONDS if deadline is None else deadline - time.monotonic()
            wait = min(max(left, 0.0), MAX_WAIT_SECONDS)
            status, body = self._transport.call(
                "GET",
                f"{self._path}/result",
                query={"wait": f"{math.ceil(wait * 1000)}ms"},
                timeout=wait + self._transport.config.timeout,
            )
            if status == 202 or (isinstance(body, Mapping) and body.get("status") == "running"):
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError(f"process {self.process_id} is still running after {timeout:g} s")
                continue
            return self._outcome(status, body)

    def _outcome(self, status: int, body: Any) -> JsonObject:
        ended = body.get("status") if isinstance(body, Mapping) else None
        if ended == "completed":
            return cast(JsonObject, body.get("context") or {})
        if ended == "failed":
            fault = body.get("fault") or {}
            raise ProcessFaultError(str(fault.get("code", "")), str(fault.get("message", "")), self.process_id)
        if ended in ("cancelled", "terminated", "timed_out"):
            raise ProcessCancelledError(self.process_id, str(ended))
        raise ApiError(status, "about:blank", "Unexpected answer", f"the result of {self.process_id}: {body!r}")

    def cancel(self) -> None:
        """Cancels the process: its running steps are cancelled and its fault handlers run. Raises
        :class:`ProcessEndedError` when it has already ended."""
        self._transport.call("POST", f"{self._path}/cancel", body={})

    def event(self, name: str, data: Optional[Mapping[str, Any]] = None) -> None:
        """Sends event ``name`` with ``data`` to this process only (its ``<await event="name">``). Raises
        :class:`ProcessEndedError` when it has ended."""
        _check_name(name)
        self._transport.call("POST", f"{self._path}/events", body={"event": name, "data": dict(data or {})})


class Launcher:
    """Launches processes and finds them, like the original's ``Launcher(config).launch(path, fields)``.

    ``config``: None (the environment: ``BUREAUCRAT_API_URL``, ``BUREAUCRAT_API_TOKEN``), a mapping
    ``{"api_url": …, "token": …, "timeout": seconds}``, a ConfigParser with a ``[bureaucrat]`` section of
    those keys, or a :class:`Config`.
    """

    def __init__(self, config: ConfigLike = None) -> None:
        self.config = resolve_config(config)
        self._transport = Transport(self.config)

    def launch(
        self,
        process_path_or_xml: Definition,
        fields: Optional[Mapping[str, Any]] = None,
        process_id: Optional[str] = None,
        action_options: Optional[Mapping[str, Any]] = None,
    ) -> ProcessHandle:
        """Validates the definition and starts it as a process with the launch ``fields``.

        The definition is XML text (a string starting with ``<``) or the path of a file holding it, read
        here (the server never reads paths). ``process_id`` defaults to a new UUID; an id that is running
        or has completed returns that process (``started`` False) instead of starting a second one, and
        after a failed, cancelled or terminated run it starts afresh. ``action_options`` are the API's
        (``startToCloseTimeout``, ``retry``, ``taskQueue``, ``routes``…). Raises :class:`DefinitionError`
        listing every problem of an invalid definition, and nothing is started then.
        """
        return self._launch(_definition_text(process_path_or_xml), fields, process_id, action_options)

    def launch_deployed(
        self,
        name: str,
        fields: Optional[Mapping[str, Any]] = None,
        version: Optional[int] = None,
        process_id: Optional[str] = None,
        action_options: Optional[Mapping[str, Any]] = None,
    ) -> ProcessHandle:
        """Starts a deployed definition (see :class:`Definitions`) by ``name``: its latest version, or
        ``version`` when given. The process records which version it runs (``details()["definition"]``,
        ``"order@3"``). Raises :class:`DefinitionNotFoundError` when the name or version is not deployed.
        The other arguments are :meth:`launch`'s."""
        return self._launch(_definition_ref(name, version), fields, process_id, action_options)

    def _launch(
        self,
        definition: Union[str, Dict[str, Any]],
        fields: Optional[Mapping[str, Any]],
        process_id: Optional[str],
        action_options: Optional[Mapping[str, Any]],
    ) -> ProcessHandle:
        body: Dict[str, Any] = {"definition": definition}
        if fields is not None:
            body["fields"] = dict(fields)
        if process_id is not None:
            body["processId"] = _check_id(process_id)
        if action_options is not None:
            body["actionOptions"] = dict(action_options)
        launched = self._transport.call("POST", "/v1/processes", body=body)[1]
        return ProcessHandle(
            self._transport, str(launched["processId"]), str(launched["runId"]), bool(launched["started"])
        )

    def get(self, process_id: str) -> ProcessHandle:
        """A handle on an existing process (nothing is asked of the API until the handle is used)."""
        return ProcessHandle(self._transport, _check_id(process_id))

    def list(
        self,
        status: Optional[str] = None,
        name: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
    ) -> ProcessPage:
        """One page of processes, newest first: ``status`` (``running``, ``completed``, ``failed``) and
        ``name`` (the ``<process name>``) filter; pass ``nextPageToken`` as ``page_token`` for the next."""
        query = {
            "status": status,
            "name": name,
            "pageSize": None if page_size is None else str(int(page_size)),
            "pageToken": page_token,
        }
        return cast(ProcessPage, self._transport.call("GET", "/v1/processes", query=query)[1])


class Definitions:
    """The definitions deployed on the server, by name and version (``order@1``, ``order@2``…): deploy
    them, list them, read them back. Launch one with :meth:`Launcher.launch_deployed`. ``config`` as for
    :class:`Launcher`; deploying needs a token with the ``deploy`` scope, reading the ``read`` scope."""

    def __init__(self, config: ConfigLike = None) -> None:
        self.config = resolve_config(config)
        self._transport = Transport(self.config)

    def deploy(self, path_or_xml: Definition, name: Optional[str] = None, strict: bool = False) -> DeployResult:
        """Validates the definition (XML text, or a file read here) and stores it as the next version of
        ``name`` (its ``<process name>`` by default), unless the latest version has the same content: then
        that version is returned with ``unchanged`` True. Raises :class:`DefinitionError` listing every
        problem, and with ``strict`` :class:`DefinitionWarningsError` when the lint warns; nothing is
        stored then."""
        body: Dict[str, Any] = {"xml": _definition_text(path_or_xml)}
        if name is not None:
            body["name"] = _check_definition_name(name)
        if strict:
            body["strict"] = True
        return cast(DeployResult, self._transport.call("POST", "/v1/definitions", body=body)[1])

    def list(self) -> List[DeployedName]:
        """Every deployed name with its latest version, by name."""
        return cast(List[DeployedName], self._transport.call("GET", "/v1/definitions")[1]["definitions"])

    def versions(self, name: str) -> List[DeployedVersion]:
        """Every version of ``name``, oldest first (empty for a name never deployed)."""
        path = f"/v1/definitions/{quote(_check_definition_name(name))}/versions"
        return cast(List[DeployedVersion], self._transport.call("GET", path)[1]["versions"])

    def get(self, name: str, version: Optional[int] = None) -> DeployedDefinition:
        """Version ``version`` of ``name`` (the latest when None), with its XML text (``xml``). Raises
        :class:`DefinitionNotFoundError` when there is none."""
        path = f"/v1/definitions/{quote(_check_definition_name(name))}"
        if version is None:
            version = int(self._transport.call("GET", path)[1]["version"])
        ref = _definition_ref(name, version)
        return cast(DeployedDefinition, self._transport.call("GET", f"{path}/versions/{ref['version']}")[1])


class Events:
    """Publishes events, like the original's event messages: an event reaches every ``<await>`` of that
    name waiting at that moment, in every process, once. ``config`` as for :class:`Launcher`."""

    def __init__(self, config: ConfigLike = None) -> None:
        self.config = resolve_config(config)
        self._transport = Transport(self.config)

    def trigger(
        self,
        name: str,
        data: Optional[Mapping[str, Any]] = None,
        key: Optional[Union[str, int]] = None,
        ttl: Optional[Duration] = None,
        id: Optional[str] = None,
    ) -> None:
        """Publishes event ``name`` with ``data``; returns once the event is recorded (delivery follows).

        ``key``: only the awaits whose ``key="…"`` evaluated to an equal value receive it (``42`` and
        ``"42"`` are equal). ``ttl`` (``"10m"``, or seconds): awaits that start within it still receive it.
        ``id``: publishing the same id again on that event name is delivered once.
        """
        _check_name(name)
        self.publish({**dict(data or {}), "event": name}, key=key, ttl=ttl, id=id)

    def publish(
        self,
        message: Mapping[str, Any],
        key: Optional[Union[str, int]] = None,
        ttl: Optional[Duration] = None,
        id: Optional[str] = None,
    ) -> None:
        """Publishes the original's event message ``{"event": name, …data}`` as it is (options as for
        :meth:`trigger`). A message without a string ``event`` raises ``ValueError`` and sends nothing."""
        if not isinstance(message, Mapping) or not isinstance(message.get("event"), str) or not message["event"]:
            raise ValueError('an event message needs a non-empty string "event", e.g. {"event": "paid", ...}')
        query = {"key": _key_text(key), "ttl": _duration_text(ttl), "id": _event_id(id)}
        self._transport.call("POST", "/v1/events", body=dict(message), query=query)

    def send(self, process_id: str, name: str, data: Optional[Mapping[str, Any]] = None) -> None:
        """Sends event ``name`` to one process only (as ``handle.event(name, data)``)."""
        ProcessHandle(self._transport, _check_id(process_id)).event(name, data)


def _definition_text(definition: Definition) -> str:
    if isinstance(definition, str) and definition.lstrip().startswith("<"):
        return definition
    if not isinstance(definition, (str, os.PathLike)):
        raise TypeError(f"a definition is XML text or a file path, got {type(definition).__name__}")
    path = Path(definition)
    text = path.read_text(encoding="utf-8-sig")
    if not text.lstrip().startswith("<"):
        raise ValueError(f"{path}: not an XML definition (it should start with <process>)")
    return text


def _check_definition_name(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"a deployed definition's name is a non-empty string, got {name!r}")
    return name


def _definition_ref(name: str, version: Optional[int]) -> Dict[str, Any]:
    ref: Dict[str, Any] = {"name": _check_definition_name(name)}
    if version is not None:
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ValueError(f"a version is a whole number from 1, got {version!r}")
        ref["version"] = version
    return ref


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(f"an event needs a non-empty name, got {name!r}")


def _check_id(process_id: str) -> str:
    if not isinstance(process_id, str) or not process_id:
        raise ValueError(f"a process id is a non-empty string, got {process_id!r}")
    return process_id


def _key_text(key: Optional[Union[str, int]]) -> Optional[str]:
    if key is None:
        return None
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        raise TypeError(f"key must be a string or an integer, got {key!r}")
    text = str(key)
    if not text:
        raise ValueError("key must not be empty")
    return text


def _event_id(event_id: Optional[str]) -> Optional[str]:
    if event_id is not None and (not isinstance(event_id, str) or not event_id):
        raise ValueError(f"id must be a non-empty string, got {event_id!r}")
    return event_id


def _duration_text(duration: Optional[Duration]) -> Optional[str]:
    if duration is None:
        return None
    if isinstance(duration, str):
        if not duration.strip():
            raise ValueError("ttl must not be empty")
        return duration.strip()
    seconds = duration.total_seconds() if isinstance(duration, timedelta) else duration
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"ttl must be a duration ('10m'), seconds or a timedelta, got {duration!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"ttl must be a non-negative duration, got {duration!r}")
    return f"{math.ceil(seconds * 1000)}ms"
