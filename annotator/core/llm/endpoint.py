"""Where the model is: a base URL and a model name, what counts as local, consent for remote hosts, API keys.

A local endpoint (``localhost``, ``127.0.0.0/8``, ``::1``, ``*.localhost``) is always allowed; a remote one only
when the analyst allowed its host for the project (``annotator suggest … --allow-remote HOST`` or the window's
consent question). An API key, when the server wants one, comes from the environment variable
:data:`API_KEY_VARIABLE` or from the system keyring (service :data:`KEYRING_SERVICE`, user name = the host), never
from the project or the settings file.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from annotator.core.llm.types import ModelError

#: Ollama's OpenAI-compatible endpoint on this machine.
DEFAULT_BASE_URL = "http://localhost:11434/v1"
#: The environment variable an API key is read from.
API_KEY_VARIABLE = "ANNOTATOR_MODEL_API_KEY"
#: The system keyring's service name for API keys (the user name is the endpoint's host).
KEYRING_SERVICE = "annotator-model"


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible chat-completions server (``base_url`` ends before ``/chat/completions``) and a model."""

    base_url: str
    model: str
    timeout: float = 120.0  # seconds for one request
    context_tokens: int = 8192  # the model's context window, which chunks of text are cut to fit

    @property
    def hostname(self) -> str:
        """The host name alone, lower case, without brackets or port ("localhost", "::1")."""
        return (urlsplit(self.base_url).hostname or "").lower()

    @property
    def host(self) -> str:
        """The host and its port when the URL names one ("localhost:11434", "api.example.com")."""
        parts = urlsplit(self.base_url)
        name = self.hostname
        if ":" in name:
            name = f"[{name}]"
        return f"{name}:{parts.port}" if parts.port else name

    @property
    def is_local(self) -> bool:
        """True for this machine: localhost, ``*.localhost``, 127.0.0.0/8 and ::1."""
        name = self.hostname
        if name == "localhost" or name.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False


def make_endpoint(base_url: str, model: str, *, timeout: float = 120.0, context_tokens: int = 8192) -> Endpoint:
    """A checked :class:`Endpoint`; ``ModelError(kind="bad_url")`` when the URL or model name is unusable."""
    url = (base_url or "").strip().rstrip("/")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ModelError(f"{base_url!r} is not a usable URL (its port is not a number).", "bad_url") from None
    if parts.scheme not in ("http", "https"):
        raise ModelError(f"{base_url!r} is not an http:// or https:// URL (for example {DEFAULT_BASE_URL}).",
                         "bad_url")
    if not parts.hostname:
        raise ModelError(f"{base_url!r} names no host (for example {DEFAULT_BASE_URL}).", "bad_url")
    if parts.username is not None or parts.password is not None:
        raise ModelError(f"The URL must not carry a user name or password; give an API key in {API_KEY_VARIABLE} "
                         "or the system keyring instead.", "bad_url")
    if parts.query or parts.fragment:
        raise ModelError(f"{base_url!r} has a query or fragment; give the base URL only (for example "
                         f"{DEFAULT_BASE_URL}).", "bad_url")
    if port == 0:
        raise ModelError(f"{base_url!r} names port 0, which no server listens on.", "bad_url")
    name = (model or "").strip()
    if not name or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise ModelError("Give the model's name (for example qwen2.5:7b).", "bad_url")
    if timeout <= 0:
        raise ModelError("The timeout must be a positive number of seconds.", "bad_url")
    if context_tokens < 512:
        raise ModelError("The model's context must be at least 512 tokens.", "bad_url")
    return Endpoint(url, name, float(timeout), int(context_tokens))


def api_key(endpoint: Endpoint) -> str | None:
    """The API key for ``endpoint``: the environment variable, else the system keyring; None when there is none.

    Never raises: no keyring backend (a machine without a keyring daemon), a locked keyring or any keyring
    error just means "no key".
    """
    key = os.environ.get(API_KEY_VARIABLE, "").strip()
    if key:
        return key
    try:
        import keyring  # optional at run time, loaded only when a key is looked up (test_architecture HEAVY)

        stored = keyring.get_password(KEYRING_SERVICE, endpoint.host)
    except Exception:  # noqa: BLE001 - any keyring failure (NoKeyringError, D-Bus, locked) means "no key"
        return None
    return (stored.strip() or None) if isinstance(stored, str) else None


def check_allowed(endpoint: Endpoint, allowed_hosts: Iterable[str]) -> None:
    """Nothing if ``endpoint`` may be asked: local, or its host allowed; else ``ModelError("remote_not_allowed")``.

    ``allowed_hosts`` holds hosts as the analyst gave them: with the port ("api.example.com:8443") or without
    (then any port of that host is allowed); case does not matter.
    """
    if endpoint.is_local:
        return
    allowed = {host.strip().lower() for host in allowed_hosts}
    if endpoint.host in allowed or endpoint.hostname in allowed:
        return
    raise ModelError(f"{endpoint.host} is not on this computer and nothing is sent there without your consent for "
                     f"this project: run with --allow-remote {endpoint.host} (or allow it in the window).",
                     "remote_not_allowed")
