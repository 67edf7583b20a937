"""One JSON request to the API over ``urllib.request``: headers, timeouts, and error answers as exceptions."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Mapping, Optional, Tuple

from ._config import Config
from ._errors import ApiUnreachableError, error_of

#: This package's version (also sent as the User-Agent).
VERSION = "0.2.0"

_NO_BODY = object()


class Transport:
    """Sends requests to the API ``config`` names and decodes the answers."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def call(
        self,
        method: str,
        path: str,
        body: Any = _NO_BODY,
        query: Optional[Mapping[str, Optional[str]]] = None,
        timeout: Optional[float] = None,
    ) -> Tuple[int, Any]:
        """Sends ``body`` as JSON (when given) to ``path`` (under the API's URL) with the ``query``
        parameters that are not None; returns the status and the decoded JSON body of a 2xx answer.
        Raises the :class:`ApiError` of an error answer, or :class:`ApiUnreachableError` when none came."""
        url = self.config.api_url + path
        params = {k: v for k, v in (query or {}).items() if v is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Accept": "application/json", "User-Agent": f"bureaucrat-temporal-python/{VERSION}"}
        data: Optional[bytes] = None
        if body is not _NO_BODY:
            # allow_nan=False: NaN is not JSON, so say it here rather than get the server's 400.
            data = json.dumps(body, allow_nan=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        wait = self.config.timeout if timeout is None else timeout
        try:
            with urllib.request.urlopen(request, timeout=wait) as response:
                status = int(response.status)
                return status, _decode(response.read(), response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as err:
            try:
                raw = err.read()
            except (OSError, http.client.HTTPException):
                raw = b""
            content_type = err.headers.get("Content-Type", "") if err.headers else ""
            raise error_of(err.code, _decode(raw, content_type), str(err.reason or "")) from None
        except (socket.timeout, TimeoutError):
            raise ApiUnreachableError(self.config.api_url, f"no answer within {wait:g} s") from None
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise ApiUnreachableError(self.config.api_url, f"no answer within {wait:g} s") from None
            raise ApiUnreachableError(self.config.api_url, str(reason)) from None
        except (OSError, http.client.HTTPException) as err:
            raise ApiUnreachableError(self.config.api_url, f"{type(err).__name__}: {err}") from None


def quote(segment: str) -> str:
    """A process id as one path segment (``/`` and every other reserved character escaped)."""
    return urllib.parse.quote(segment, safe="")


def _decode(raw: bytes, content_type: str) -> Any:
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type.lower() and text.strip():
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text if text.strip() else None
