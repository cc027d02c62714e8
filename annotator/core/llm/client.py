"""The HTTP client of an OpenAI-compatible chat-completions server: the only code in annotator that connects.

Standard library only (``http.client``): nothing to import at start-up, one place to read for what is sent. Every
failure is a :class:`~annotator.core.llm.types.ModelError` whose message is one sentence and whose ``kind`` is
counted in run summaries; :meth:`ChatClient.abort` (from any thread) makes a waiting request raise
:class:`~annotator.core.errors.CancelledError`. No retries here: the caller decides.
"""

from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit

from annotator.core.errors import CancelledError
from annotator.core.llm.endpoint import API_KEY_VARIABLE, Endpoint
from annotator.core.llm.types import ModelError

#: The most a server's whole HTTP body may weigh; past it the answer is refused as too large.
MAX_ANSWER_BYTES = 2 * 1024 * 1024
#: Bytes read at a time (the size check happens between reads).
READ_BLOCK = 64 * 1024
#: How much of a server's error message goes into ours.
ERROR_CHARS = 200


class ChatClient:
    """Asks one :class:`Endpoint`: ``chat_json(messages)`` for a JSON answer, ``models()`` for the model names.

    A client holds at most one connection at a time (one request after another); it may be used from a worker
    thread while another thread calls :meth:`abort`.
    """

    def __init__(self, endpoint: Endpoint, api_key: str | None = None, *, max_bytes: int = MAX_ANSWER_BYTES):
        self.endpoint = endpoint
        self.max_bytes = max_bytes
        self._api_key = api_key
        self._lock = threading.Lock()
        self._socket = None  # the open connection's socket, for abort()
        self._aborted = False
        parts = urlsplit(endpoint.base_url)
        self._https = parts.scheme == "https"
        self._netloc = parts.netloc
        self._path = parts.path.rstrip("/")

    # -- the two requests ------------------------------------------------------------------------------------

    def chat_json(self, messages: list[dict]) -> object:
        """The parsed JSON object the model answered to ``messages`` (temperature 0, JSON output asked for)."""
        body = {"model": self.endpoint.model, "messages": messages, "temperature": 0,
                "response_format": {"type": "json_object"}, "stream": False}
        reply = self._request("POST", "/chat/completions", body)
        try:
            content = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise self._not_compatible() from None
        if not isinstance(content, str):
            raise self._not_compatible()
        return parse_content(content, self.endpoint.model)

    def models(self) -> list[str]:
        """The model names the server offers (``GET {base}/models``)."""
        reply = self._request("GET", "/models", None)
        data = reply.get("data") if isinstance(reply, dict) else None
        if not isinstance(data, list):
            raise self._not_compatible()
        return [str(item["id"]) for item in data if isinstance(item, dict) and "id" in item]

    def abort(self) -> None:
        """Stop the request under way (thread-safe): it raises CancelledError; later requests do too."""
        with self._lock:
            self._aborted = True
            sock = self._socket
        if sock is not None:
            shut_down(sock)  # the waiting thread sees the end of the stream, then closes the connection

    def close(self) -> None:
        """Stop a request under way, if any (another thread's): same as :meth:`abort`."""
        self.abort()

    # -- one request ------------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: dict | None) -> object:
        headers = {"Accept": "application/json", "User-Agent": "annotator"}
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        connection = self._open()
        response = None
        try:
            self._connect(connection)
            connection.request(method, self._path + path, body=payload, headers=headers)
            response = connection.getresponse()
            status, data = response.status, self._read(response)
        except TimeoutError:
            self._raise_if_aborted()
            raise ModelError(f"{self.endpoint.base_url} did not answer within {self.endpoint.timeout:g} seconds; "
                             "try a longer timeout or a smaller model.", "timeout") from None
        except (OSError, http.client.HTTPException) as error:
            self._raise_if_aborted()
            raise self._unreachable(error) from None
        finally:
            if response is not None:
                response.close()
            self._release(connection)
        return self._decode(status, data)

    def _open(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        self._raise_if_aborted()
        return kind(self._netloc, timeout=self.endpoint.timeout)

    def _connect(self, connection: http.client.HTTPConnection) -> None:
        """Connect, and keep the socket where :meth:`abort` finds it (a response that reads to the end of the
        stream takes the socket over from its connection)."""
        connection.connect()
        with self._lock:
            self._socket = connection.sock
            aborted = self._aborted
        if aborted:
            raise CancelledError("The model run was cancelled.")

    def _release(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._socket = None
        connection.close()

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        while True:
            block = response.read(READ_BLOCK)
            if not block:
                break
            size += len(block)
            if size > self.max_bytes:
                raise self._too_large()
            chunks.append(block)
        self._raise_if_aborted()
        return b"".join(chunks)

    def _decode(self, status: int, data: bytes) -> object:
        base = self.endpoint.base_url
        if status in (401, 403):
            raise ModelError(f"{base} refused the request (HTTP {status}): set the API key in {API_KEY_VARIABLE} "
                             "or the system keyring.", "refused")
        if status == 404:
            raise self._not_compatible()
        if status >= 300:
            said = server_message(data)
            raise ModelError(f"{base} refused the request (HTTP {status})" + (f": {said}" if said else "."),
                             "refused")
        try:
            reply = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise self._not_compatible() from None
        if not isinstance(reply, dict):
            raise self._not_compatible()
        return reply

    def _raise_if_aborted(self) -> None:
        with self._lock:
            aborted = self._aborted
        if aborted:
            raise CancelledError("The model run was cancelled.")

    # -- messages ---------------------------------------------------------------------------------------------

    def _too_large(self) -> ModelError:
        megabytes = self.max_bytes / (1024 * 1024)
        return ModelError(f"The model's answer is over {megabytes:g} MB; it was refused (ask for fewer labels or "
                          "a smaller piece of text).", "too_large")

    def _not_compatible(self) -> ModelError:
        return ModelError(f"{self.endpoint.base_url} does not speak the OpenAI chat-completions protocol (check the "
                          "URL: Ollama's is http://localhost:11434/v1).", "not_compatible")

    def _unreachable(self, error: Exception) -> ModelError:
        return ModelError(f"Nothing answers at {self.endpoint.base_url}: is Ollama (or your model server) "
                          f"running? ({one_line(str(error) or type(error).__name__, 80)})", "unreachable")


def parse_content(content: str, model: str) -> object:
    """The JSON in a model's message, a ```json fence around it allowed; ``ModelError("bad_json")`` otherwise."""
    text = content.strip()
    if text.startswith("```"):
        first_line_end = text.find("\n")
        text = text[first_line_end + 1:] if first_line_end >= 0 else text[3:]
        if text.rstrip().endswith("```"):
            text = text.rstrip()[:-3]
    try:
        return json.loads(text)
    except ValueError:
        raise ModelError(f"The model {model} answered something that is not JSON; its answer was skipped.",
                         "bad_json") from None


def server_message(data: bytes) -> str:
    """The error message in a server's error body (OpenAI's ``{"error": {"message": …}}`` or plain text)."""
    text = data[:4096].decode("utf-8", errors="replace")
    try:
        reply = json.loads(text)
    except ValueError:
        return one_line(text, ERROR_CHARS)
    error = reply.get("error") if isinstance(reply, dict) else None
    if isinstance(error, dict):
        error = error.get("message")
    if error is None and isinstance(reply, dict):
        error = reply.get("message") or reply.get("detail")
    return one_line(str(error) if error is not None else text, ERROR_CHARS)


def one_line(text: str, limit: int) -> str:
    """``text`` with its whitespace runs made single spaces, cut to ``limit`` characters ("…" when cut)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def shut_down(sock) -> None:
    """End a socket's stream both ways, so that a read blocked in another thread returns at once."""
    try:
        sock.shutdown(2)  # socket.SHUT_RDWR (the socket module is not imported here: the contract)
    except OSError:
        pass
