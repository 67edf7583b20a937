"""The participant adapter: wraps plain functions as Temporal activities speaking Bureaucrat's reply protocol."""

import importlib.util
import inspect
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping

from temporalio import activity
from temporalio.exceptions import ApplicationError

#: The failure type of a participant that replied ``{"status": "error"}``: retried under the retry policy.
PARTICIPANT_ERROR_TYPE = "ParticipantError"


class ParticipantFault(Exception):
    """Raised by a participant to raise process fault ``code`` at its ``<action>``; not retried."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def heartbeat(*details: Any) -> None:
    """Records a heartbeat of the running participant (needed with ``<action heartbeat="…">``)."""
    activity.heartbeat(*details)


def is_cancelled() -> bool:
    """Whether the process cancelled this participant (seen after a heartbeat; sync participants poll it)."""
    return activity.is_cancelled()


def _fault_error(fault: ParticipantFault) -> ApplicationError:
    # A business outcome, not a worker problem: benign where the SDK knows the category (as on the Node side).
    kwargs: Dict[str, Any] = {"type": fault.code, "non_retryable": True}
    category = getattr(getattr(sys.modules["temporalio.exceptions"], "ApplicationErrorCategory", None), "BENIGN", None)
    if category is not None:
        kwargs["category"] = category
    return ApplicationError(fault.message, **kwargs)


def _reply(name: str, reply: Any) -> Any:
    if isinstance(reply, dict) and reply.get("status") == "error":
        error = reply.get("error") or f"participant {name} replied error"
        raise ApplicationError(str(error), type=PARTICIPANT_ERROR_TYPE)
    return {} if reply is None else reply


def _workitem(action_input: Any) -> Any:
    """The workitem of an action's input ``{"fields", "step"}``, completed from the activity's info (the
    participant is the activity type, the process id the workflow id); a whole workitem, as earlier
    releases sent it, is passed through."""
    if not isinstance(action_input, dict) or "activityId" in action_input or not isinstance(action_input.get("step"), str):
        return action_input
    info = activity.info()
    return {
        "fields": action_input.get("fields") or {},
        "participant": info.activity_type,
        "processId": info.workflow_id,
        "activityId": f"{info.workflow_id}{action_input['step']}",
    }


def _wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(fn):

        async def run_async(action_input: Dict[str, Any]) -> Any:
            try:
                reply = await fn(_workitem(action_input))
            except ParticipantFault as fault:
                raise _fault_error(fault) from None
            return _reply(name, reply)

        return activity.defn(name=name)(run_async)

    def run_sync(action_input: Dict[str, Any]) -> Any:
        try:
            reply = fn(_workitem(action_input))
        except ParticipantFault as fault:
            raise _fault_error(fault) from None
        return _reply(name, reply)

    return activity.defn(name=name)(run_sync)


def participant_activities(participants: Mapping[str, Callable[..., Any]]) -> List[Callable[..., Any]]:
    """One Temporal activity per participant, named after it: async functions stay async, sync ones run in
    the worker's thread pool (so they may block and still heartbeat)."""
    activities: List[Callable[..., Any]] = []
    for name, fn in participants.items():
        if not callable(fn):
            raise TypeError(f"participant {name!r} is not a function")
        activities.append(_wrap(name, fn))
    return activities


def load_participants(path: str) -> Mapping[str, Callable[..., Any]]:
    """Imports a participants module from a file path (or a dotted module name) and returns its
    ``participants`` mapping."""
    if path.endswith(".py") or Path(path).exists():
        file = Path(path).resolve()
        spec = importlib.util.spec_from_file_location(file.stem, file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load participants module {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[file.stem] = module
        sys.path.insert(0, str(file.parent))
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(path)
    participants = getattr(module, "participants", None)
    if not isinstance(participants, Mapping):
        raise ImportError(
            f"{path} defines no participants mapping: add participants = {{\"name\": function, ...}}"
        )
    return participants
