"""Where the API is and how to reach it: :class:`Config`, from the environment, a mapping or a ConfigParser."""

from __future__ import annotations

import configparser
import math
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Union

#: The API's address when nothing says otherwise (``bureaucrat api``'s default).
DEFAULT_API_URL = "http://127.0.0.1:8080"
#: Seconds to wait for an answer to one request (a long poll waits this much longer than it asked for).
DEFAULT_TIMEOUT = 30.0
#: The environment variables read when a setting is not given.
API_URL_ENV = "BUREAUCRAT_API_URL"
API_TOKEN_ENV = "BUREAUCRAT_API_TOKEN"
#: The section of a ConfigParser that holds the settings.
CONFIG_SECTION = "bureaucrat"

_KEYS = ("api_url", "token", "timeout")


@dataclass(frozen=True)
class Config:
    """The API's address (``http://`` or ``https://``, without ``/v1``), the bearer token when the API
    requires one, and how many seconds to wait for an answer to one request."""

    api_url: str = DEFAULT_API_URL
    token: Optional[str] = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        url = str(self.api_url).strip().rstrip("/")
        if not url.lower().startswith(("http://", "https://")):
            raise ValueError(f"api_url must be an http:// or https:// URL, got {self.api_url!r}")
        object.__setattr__(self, "api_url", url)
        object.__setattr__(self, "token", (str(self.token).strip() or None) if self.token is not None else None)
        timeout = float(self.timeout)
        if not math.isfinite(timeout) or timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {self.timeout!r}")
        object.__setattr__(self, "timeout", timeout)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Config":
        """The settings of the environment: ``BUREAUCRAT_API_URL`` (default ``http://127.0.0.1:8080``) and
        ``BUREAUCRAT_API_TOKEN``."""
        env = os.environ if environ is None else environ
        return cls(api_url=env.get(API_URL_ENV) or DEFAULT_API_URL, token=env.get(API_TOKEN_ENV) or None)


#: What ``Launcher(config)`` and ``Events(config)`` take: None (the environment), a :class:`Config`, a
#: mapping with ``api_url``/``token``/``timeout``, or a ConfigParser with a ``[bureaucrat]`` section.
ConfigLike = Union[None, Config, Mapping[str, Any], configparser.RawConfigParser]


def resolve_config(config: ConfigLike) -> Config:
    """The :class:`Config` that ``config`` describes. Settings it leaves out come from the environment,
    then the defaults. A mapping with an unknown key is refused (a misspelt ``api_url`` would otherwise be
    silently replaced by the default); a ConfigParser section may hold other settings too."""
    if config is None:
        return Config.from_env()
    if isinstance(config, Config):
        return config
    if isinstance(config, configparser.RawConfigParser) or _has_sections(config):
        settings = _section(config)
    elif isinstance(config, Mapping):
        unknown = sorted(str(k) for k in config if k not in _KEYS)
        if unknown:
            raise ValueError(f"unknown config key(s) {', '.join(unknown)}: the keys are {', '.join(_KEYS)}")
        settings = {k: config[k] for k in _KEYS if k in config and config[k] is not None}
    else:
        raise TypeError(
            "config must be None, a Config, a mapping with api_url/token/timeout, or a ConfigParser with a "
            f"[{CONFIG_SECTION}] section; got {type(config).__name__}"
        )
    base = Config.from_env()
    return Config(
        api_url=str(settings.get("api_url") or base.api_url),
        token=str(settings["token"]) if settings.get("token") is not None else base.token,
        timeout=float(settings.get("timeout") or base.timeout),
    )


def _has_sections(config: object) -> bool:
    # The original took any ConfigParser-like object: one with sections (a ConfigParser is also a Mapping of
    # its sections, so this is asked before the mapping case).
    return callable(getattr(config, "has_section", None)) and callable(getattr(config, "get", None))


def _section(config: Any) -> Mapping[str, Any]:
    if not config.has_section(CONFIG_SECTION):
        return {}
    settings = {}
    for key in _KEYS:
        value = config.get(CONFIG_SECTION, key, fallback=None)
        if value not in (None, ""):
            settings[key] = value
    return settings
