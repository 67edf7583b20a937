"""A Python client of Bureaucrat on Temporal, with the original engine's call shapes.

It talks to the project's HTTP API (``bureaucrat api``) with the standard library only::

    from bureaucrat_temporal import Launcher, Events

    launcher = Launcher()                     # BUREAUCRAT_API_URL, BUREAUCRAT_API_TOKEN
    order = launcher.launch("processes/order.xml", {"order": 42})
    Events().trigger("paid", {"order": 42})
    print(order.result(timeout=60))           # the final context

Definitions deployed by name and version run by name::

    Definitions().deploy("processes/order.xml")            # order@1, order@2…
    launcher.launch_deployed("order", {"order": 43})        # the latest version
    launcher.launch_deployed("order", version=1)            # a pinned one

The server validates definitions and starts processes with the TypeScript client, so process ids,
deduplication and validation are the same as there.
"""

from ._client import Definitions, Events, Launcher, ProcessHandle
from ._config import Config
from ._errors import (
    ApiError,
    ApiUnreachableError,
    DefinitionError,
    DefinitionNotFoundError,
    DefinitionWarningsError,
    ProcessCancelledError,
    ProcessEndedError,
    ProcessFaultError,
    ProcessNotFoundError,
)
from ._http import VERSION as __version__
from ._types import (
    DefinitionProblem,
    DeployedDefinition,
    DeployedName,
    DeployedVersion,
    DeployResult,
    Fault,
    ProcessDetails,
    ProcessPage,
    ProcessSummary,
)

__all__ = [
    "ApiError",
    "ApiUnreachableError",
    "Config",
    "DefinitionError",
    "DefinitionNotFoundError",
    "DefinitionProblem",
    "DefinitionWarningsError",
    "Definitions",
    "DeployResult",
    "DeployedDefinition",
    "DeployedName",
    "DeployedVersion",
    "Events",
    "Fault",
    "Launcher",
    "ProcessCancelledError",
    "ProcessDetails",
    "ProcessEndedError",
    "ProcessFaultError",
    "ProcessHandle",
    "ProcessNotFoundError",
    "ProcessPage",
    "ProcessSummary",
    "__version__",
]
