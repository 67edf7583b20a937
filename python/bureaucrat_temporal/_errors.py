"""The client's errors: the API's problem documents as exceptions, and a process's unhappy endings."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ._types import DefinitionProblem

#: The base of every problem ``type`` URI the API sends; the part after it names the kind.
PROBLEM_BASE = "https://bureaucrat-temporal.dev/problems/"


class ApiError(Exception):
    """An error answer of the API (an RFC 9457 problem document), or no answer at all.

    ``status`` is the HTTP status, ``type`` the problem's URI (stable per kind of error; :attr:`kind` is
    its last part, e.g. ``"unauthorized"``), ``title`` what kind of error it is and ``detail`` what went
    wrong this time.
    """

    def __init__(self, status: int, type: str, title: str, detail: Optional[str] = None) -> None:
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        super().__init__(self._text())

    @property
    def kind(self) -> str:
        """The kind of problem: the end of :attr:`type` (``"process-not-found"``, ``"forbidden"``…)."""
        return self.type.rsplit("/problems/", 1)[-1]

    def _text(self) -> str:
        where = f"{self.status} {self.kind}" if self.status else self.kind
        return f"{self.title} ({where})" + (f": {self.detail}" if self.detail else "")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, type={self.type!r}, title={self.title!r}, detail={self.detail!r})"


class DefinitionError(ApiError):
    """The definition is not valid (422 ``invalid-definition``); nothing was started.

    :attr:`problems` lists every problem found, each a dict with ``line``, ``column`` (1-based), ``path``
    (the element, e.g. ``process/action[1]``) and ``message``; ``str()`` shows one ``line:column path:
    message`` line for each.
    """

    def __init__(
        self,
        status: int,
        type: str,
        title: str,
        detail: Optional[str] = None,
        problems: Optional[List[DefinitionProblem]] = None,
    ) -> None:
        self.problems: List[DefinitionProblem] = list(problems or [])
        super().__init__(status, type, title, detail)

    def _text(self) -> str:
        lines = [f"{p['line']}:{p['column']} {p['path']}: {p['message']}" for p in self.problems]
        return "\n".join([f"{self.detail or self.title}:", *(f"  {line}" for line in lines)])


class ProcessNotFoundError(ApiError):
    """No process has that id (404 ``process-not-found``)."""


class DefinitionNotFoundError(ApiError):
    """No deployed definition has that name, or it has no such version (404 ``definition-not-found``)."""


class DefinitionWarningsError(ApiError):
    """A strict deploy refused because the lint warned (422 ``definition-warnings``); nothing was stored.

    :attr:`warnings` lists them, each a dict with ``line``, ``column``, ``path``, ``message``, ``rule``
    (``W001``…), ``ruleName`` and ``severity``.
    """

    def __init__(
        self,
        status: int,
        type: str,
        title: str,
        detail: Optional[str] = None,
        warnings: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        self.warnings: List[Dict[str, Any]] = list(warnings or [])
        super().__init__(status, type, title, detail)


class ProcessEndedError(ApiError):
    """The process has ended, so it takes no more events or cancellation (409 ``process-ended``)."""


class ApiUnreachableError(ApiError):
    """The API did not answer: refused connection, unknown host, TLS failure or no answer in time.

    :attr:`url` is the API's address as configured. ``status`` is 0: there was no HTTP answer.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(
            0, f"{PROBLEM_BASE}api-unreachable", "The Bureaucrat API is unreachable", f"{url}: {reason}"
        )


class ProcessFaultError(Exception):
    """The process ended on an unhandled fault: :attr:`code` and :attr:`message` as the process raised it
    (``<fault code message>`` or the participant's ``ParticipantFault``)."""

    def __init__(self, code: str, message: str = "", process_id: Optional[str] = None) -> None:
        self.code = code
        self.message = message
        self.process_id = process_id
        who = f"process {process_id}" if process_id else "the process"
        super().__init__(f"{who} ended on fault {code}" + (f": {message}" if message else ""))


class ProcessCancelledError(Exception):
    """The process was cancelled or terminated (or timed out) before it completed: :attr:`how` says
    which (``cancelled``, ``terminated``, ``timed_out``)."""

    def __init__(self, process_id: str, how: str = "cancelled") -> None:
        self.process_id = process_id
        self.how = how
        super().__init__(f"process {process_id} was {how}")


def error_of(status: int, body: Any, reason: str = "") -> ApiError:
    """The exception of an error answer: its problem document's kind picks the class. A body that is not a
    problem document (a proxy's HTML page, say) gives a plain :class:`ApiError` quoting its start."""
    if not isinstance(body, Mapping) or not isinstance(body.get("type"), str):
        text = body if isinstance(body, str) else ""
        detail = " ".join(text.split())[:300] or None
        return ApiError(status, "about:blank", reason or f"HTTP {status}", detail)
    problem: Mapping[str, Any] = body
    kind_type = str(problem["type"])
    title = str(problem.get("title") or reason or f"HTTP {status}")
    detail = problem.get("detail")
    detail_text = detail if isinstance(detail, str) else None
    status = int(problem.get("status") or status)
    kind = kind_type.rsplit("/problems/", 1)[-1]
    if kind == "invalid-definition":
        return DefinitionError(status, kind_type, title, detail_text, _problems(problem.get("problems")))
    if kind == "definition-not-found":
        return DefinitionNotFoundError(status, kind_type, title, detail_text)
    if kind == "definition-warnings":
        found = problem.get("warnings")
        warnings = [dict(w) for w in found if isinstance(w, Mapping)] if isinstance(found, list) else []
        return DefinitionWarningsError(status, kind_type, title, detail_text, warnings)
    if kind == "process-not-found":
        return ProcessNotFoundError(status, kind_type, title, detail_text)
    if kind == "process-ended":
        return ProcessEndedError(status, kind_type, title, detail_text)
    return ApiError(status, kind_type, title, detail_text)


def _problems(value: Any) -> List[DefinitionProblem]:
    problems: List[DefinitionProblem] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, Mapping):
            continue
        entry: Dict[str, Any] = dict(item)
        problems.append(
            DefinitionProblem(
                line=int(entry.get("line", 0)),
                column=int(entry.get("column", 0)),
                path=str(entry.get("path", "")),
                message=str(entry.get("message", "")),
            )
        )
    return problems
