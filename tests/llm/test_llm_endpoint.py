"""Endpoints: URL checks, what is local, consent for remote hosts, API keys (environment, keyring, none)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from annotator.core.llm import endpoint as endpoint_module
from annotator.core.llm.endpoint import (
    API_KEY_VARIABLE,
    DEFAULT_BASE_URL,
    api_key,
    check_allowed,
    make_endpoint,
)
from annotator.core.llm.types import ModelError


def test_the_default_endpoint_is_ollama_on_this_machine():
    endpoint = make_endpoint(DEFAULT_BASE_URL, "qwen2.5:7b")
    assert (endpoint.base_url, endpoint.model, endpoint.timeout, endpoint.context_tokens) == (
        "http://localhost:11434/v1", "qwen2.5:7b", 120.0, 8192)
    assert endpoint.host == "localhost:11434"
    assert endpoint.is_local


@pytest.mark.parametrize("url, host, local", [
    ("http://127.0.0.1:8080/v1/", "127.0.0.1:8080", True),
    ("http://127.5.4.3/v1", "127.5.4.3", True),
    ("http://[::1]:8000/v1", "[::1]:8000", True),
    ("http://llama.localhost:8080", "llama.localhost:8080", True),
    ("http://LOCALHOST:11434/v1", "localhost:11434", True),
    ("https://api.example.com/v1", "api.example.com", False),
    ("http://192.168.1.20:11434/v1", "192.168.1.20:11434", False),
    ("http://localhost.example.com/v1", "localhost.example.com", False),
    ("http://[2001:db8::1]:80/v1", "[2001:db8::1]:80", False),
])
def test_host_and_what_is_local(url, host, local):
    endpoint = make_endpoint(url, "m")
    assert endpoint.host == host
    assert endpoint.is_local is local
    assert not endpoint.base_url.endswith("/")


@pytest.mark.parametrize("url, model, words", [
    ("ftp://localhost/v1", "m", "http://"),
    ("localhost:11434/v1", "m", "http://"),
    ("http:///v1", "m", "no host"),
    ("http://user:secret@localhost:11434/v1", "m", "user name or password"),
    ("http://localhost:port/v1", "m", "port"),
    ("http://localhost:11434/v1?key=1", "m", "query"),
    ("http://localhost:11434/v1", "", "model"),
    ("http://localhost:11434/v1", "two words", "model"),
    ("", "m", "http://"),
])
def test_unusable_urls_and_models_are_one_sentence(url, model, words):
    with pytest.raises(ModelError) as caught:
        make_endpoint(url, model)
    assert caught.value.kind == "bad_url"
    assert words in str(caught.value)
    assert "secret" not in str(caught.value)


def test_timeout_and_context_are_checked():
    with pytest.raises(ModelError, match="timeout"):
        make_endpoint(DEFAULT_BASE_URL, "m", timeout=0)
    with pytest.raises(ModelError, match="context"):
        make_endpoint(DEFAULT_BASE_URL, "m", context_tokens=10)


def test_local_endpoints_are_always_allowed_remote_ones_only_when_named():
    check_allowed(make_endpoint("http://127.0.0.1:9/v1", "m"), [])
    remote = make_endpoint("https://api.example.com:8443/v1", "m")
    with pytest.raises(ModelError) as caught:
        check_allowed(remote, ["other.example.com"])
    assert caught.value.kind == "remote_not_allowed"
    assert "--allow-remote api.example.com:8443" in str(caught.value)
    check_allowed(remote, ["API.example.com:8443"])
    check_allowed(remote, ["api.example.com"])  # the host without a port allows every port
    with pytest.raises(ModelError):
        check_allowed(remote, ["api.example.com:9999"])


def test_the_api_key_comes_from_the_environment_first(monkeypatch):
    monkeypatch.setenv(API_KEY_VARIABLE, " sk-from-env \n")
    assert api_key(make_endpoint(DEFAULT_BASE_URL, "m")) == "sk-from-env"


def test_no_keyring_backend_means_no_key(monkeypatch):
    """Here (as on many servers) there is no keyring daemon: keyring's "fail" backend raises; that is no key."""
    monkeypatch.delenv(API_KEY_VARIABLE, raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    assert api_key(make_endpoint(DEFAULT_BASE_URL, "m")) is None


def test_the_api_key_comes_from_the_keyring_for_the_host(monkeypatch):
    monkeypatch.delenv(API_KEY_VARIABLE, raising=False)
    class Memory(KeyringBackend):
        priority = 1
        store = {("annotator-model", "api.example.com"): "sk-keyring"}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        assert api_key(make_endpoint("https://api.example.com/v1", "m")) == "sk-keyring"
        assert api_key(make_endpoint("https://other.example.com/v1", "m")) is None
    finally:
        keyring.set_keyring(previous)


def test_a_broken_keyring_means_no_key(monkeypatch):
    monkeypatch.delenv(API_KEY_VARIABLE, raising=False)
    def broken(service, username):
        raise RuntimeError("D-Bus is not running")

    monkeypatch.setattr(keyring, "get_password", broken)
    assert api_key(make_endpoint("https://api.example.com/v1", "m")) is None
    assert endpoint_module.KEYRING_SERVICE == "annotator-model"
