"""Python participants for Bureaucrat on Temporal.

A participants module defines ``participants = {"billing.charge": charge, ...}``: plain functions, sync or
async, that take the workitem (a dict with ``fields``, ``participant``, ``processId``, ``activityId``) and
return the fields they changed, or a reply of the ``done``/``critical``/``error`` protocol, or ``None``.
``raise ParticipantFault(code, message)`` raises process fault ``code`` at the action. The runner
(``python -m bureaucrat_participants``) serves them as Temporal activities named after the participants,
exactly like the TypeScript worker's participant adapter does.
"""

from ._core import (
    PARTICIPANT_ERROR_TYPE,
    ParticipantFault,
    heartbeat,
    is_cancelled,
    load_participants,
    participant_activities,
)

__all__ = [
    "PARTICIPANT_ERROR_TYPE",
    "ParticipantFault",
    "heartbeat",
    "is_cancelled",
    "load_participants",
    "participant_activities",
]
