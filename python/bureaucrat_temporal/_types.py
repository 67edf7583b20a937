"""The API's JSON bodies as typed dicts (plain dicts at run time)."""

from __future__ import annotations

from typing import Any, Dict, List, TypedDict

#: A JSON object: a context, launch fields, event data.
JsonObject = Dict[str, Any]


class DefinitionProblem(TypedDict):
    """One problem of an invalid definition: where (1-based line and column, element path) and what."""

    line: int
    column: int
    path: str
    message: str


class Fault(TypedDict):
    """The fault a process ended on."""

    code: str
    message: str


class _ProcessSummaryBase(TypedDict):
    processId: str
    runId: str
    status: str
    startTime: str


class ProcessSummary(_ProcessSummaryBase, total=False):
    """One process of a list: ``status`` is ``running``, ``completed``, ``failed``, ``cancelled``,
    ``terminated`` or ``timed_out``; times are ISO 8601."""

    name: str
    definition: str
    closeTime: str


class _ProcessPageBase(TypedDict):
    processes: List[ProcessSummary]


class ProcessPage(_ProcessPageBase, total=False):
    """A page of processes, newest first; ``nextPageToken`` (when there are more) fetches the next."""

    nextPageToken: str


class _ProcessDetailsBase(TypedDict):
    processId: str
    runId: str
    status: str
    state: Dict[str, Any]
    context: JsonObject
    startTime: str


class ProcessDetails(_ProcessDetailsBase, total=False):
    """``GET /v1/processes/{id}``: status, the state tree (every activity with its id and state), the
    context, the fault of a failed process, the pause of a paused one."""

    name: str
    definition: str
    migrations: List[Dict[str, str]]
    fault: Fault
    paused: Dict[str, str]
    closeTime: str
    webUiUrl: str


class _DeployedVersionBase(TypedDict):
    name: str
    version: int
    digest: str
    size: int
    activityCount: int
    deployedAt: str


class DeployedVersion(_DeployedVersionBase, total=False):
    """One version of a deployed definition: ``name`` and ``version`` (``order@3``), the SHA-256
    ``digest`` and ``size`` (bytes) of its XML, its ``<process name>`` and when it was deployed."""

    processName: str


class DeployedDefinition(DeployedVersion):
    """A deployed version with its XML text (:meth:`Definitions.get`)."""

    xml: str


class DeployResult(DeployedVersion):
    """What :meth:`Definitions.deploy` did: ``unchanged`` is True when the latest version already had this
    content (nothing new was stored); ``warnings`` are the lint's findings."""

    unchanged: bool
    warnings: List[Dict[str, Any]]


class _DeployedNameBase(TypedDict):
    name: str
    latest: int
    versions: int
    deployedAt: str


class DeployedName(_DeployedNameBase, total=False):
    """One deployed name (:meth:`Definitions.list`): its latest version and how many versions it has."""

    processName: str
