"""A Python client of Bureaucrat on Temporal, with the original engine's call shapes.

It talks to the project's HTTP API (``bureaucrat api``) with the standard library only::

    from bureaucrat_temporal import Launcher, Events

    launcher = Launcher()                     # BUREAUCRAT_API_URL, BUREAUCRAT_API_TOKEN
    order = launcher.launch("processes/order.xml", {"order": 42})
    Events().trigger("paid", {"order": 42})
    print(order.result(timeout=60))           # the final context

The server validates definitions and starts processes with the TypeScript client, so process ids,
deduplication and validation are the same as there.
"""

from ._client import Events, Launcher, ProcessHandle
from ._config import Config
from ._errors import (
    ApiError,
    ApiUnreachableError,
    DefinitionError,
    ProcessCancelledError,
    ProcessEndedError,
    ProcessFaultError,
    ProcessNotFoundError,
)
from ._http import VERSION as __version__
from ._types import DefinitionProblem, Fault, ProcessDetails, ProcessPage, ProcessSummary

__all__ = [
    "ApiError",
    "ApiUnreachableError",
    "Config",
    "DefinitionError",
    "DefinitionProblem",
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
