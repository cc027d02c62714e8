"""A scripted OpenAI-compatible chat-completions server for the tests, the screenshots and the benchmark.

In a test::

    with ChatServer("good") as server:
        client = ChatClient(make_endpoint(server.base_url, "test-model"))  # http://127.0.0.1:PORT/v1
        ...
        assert server.requests[0].body["model"] == "test-model"

As a script (for screenshots and ``benchmarks/model_suggest.py``)::

    python tests/llm/chat_server.py --port 8011 --mode good

Behaviours (``script``): a mode name, or a callable that gets the request body (the parsed JSON) and returns the
model's message content (a ``str`` as is, anything else as JSON) or a :class:`Reply` (status, body, type):

* ``good`` — a small deterministic "model" that reads the passage in the data message and answers real quotes for
  the labels asked for: number phrases for Figure/Number/Amount, capitalised name pairs for Actor/Person/Name, text
  in quotation marks for Claim/Quote (with a reason and a confidence);
* ``hallucinating`` — the good answer plus a quote that is not in the text and a label nobody asked for;
* ``obedient`` — the good answer plus, when the passage says "ignore all previous instructions", every word as
  Actor and as "Evil" (a model that follows instructions in the article);
* ``malformed`` — content that is not JSON; ``huge`` — a 10 MB body (sent without a length);
* ``slow`` — waits ``slow_seconds`` (5) before answering, interrupted when the server stops;
* ``html`` — a 200 with an HTML page; ``not_found`` — 404 on /chat/completions; ``status:N`` — HTTP N.

Requests whose system message carries ``pairs-1`` (cross-source pairs) go to ``pairs`` (a callable like
``script``) when it is given; else the ``good`` mode answers them with :func:`good_pairs` (a number before the same
noun: the same number agrees, another contradicts) and the other modes with ``{"pairs": []}``. Every request is
recorded in :attr:`requests`.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("good", "hallucinating", "obedient", "malformed", "huge", "slow", "html", "not_found")
HUGE_BYTES = 10 * 1024 * 1024
#: The labels the good model knows how to find (lower-case label name -> finder).
NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:\s+(?:percent|per cent|people|million|thousand|dead|killed|injured|"
                    r"civilians|soldiers|tonnes|dollars|km|kilometres|miles))?")
NAME = re.compile(r"\b[A-Z][^\W\d_]+(?:[-'][^\W\d_]+)?\s[A-Z][^\W\d_]+(?:[-'][^\W\d_]+)?")
QUOTED = re.compile(r"\"([^\"\n]{2,300})\"|“([^”\n]{2,300})”|«([^»\n]{2,300})»")
LABEL_LINE = re.compile(r'^- ("(?:[^"\\]|\\.)*")', re.MULTILINE)


@dataclass
class Reply:
    """A raw HTTP reply for a scripted callable: status, body and content type."""

    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: object = None


@dataclass
class Script:
    """What the server answers (see the module docstring)."""

    behaviour: str | Callable[[dict], object] = "good"
    pairs: Callable[[dict], object] | None = None
    models: tuple[str, ...] = ("test-model",)
    slow_seconds: float = 5.0
    stop: threading.Event = field(default_factory=threading.Event)


# -- the "model" ----------------------------------------------------------------------------------------------

def passage_of(body: dict) -> tuple[str, int]:
    """The passage and its offset from the data message (the JSON object in the last user message)."""
    for message in reversed(body.get("messages", [])):
        if message.get("role") != "user":
            continue
        content = message.get("content", "")
        start = content.find('{"passage"')
        if start >= 0:
            data, _ = json.JSONDecoder().raw_decode(content[start:])
            return str(data.get("passage", "")), int(data.get("passage_offset", 0))
    return "", 0


def system_of(body: dict) -> str:
    return "\n".join(m.get("content", "") for m in body.get("messages", []) if m.get("role") == "system")


def labels_of(body: dict) -> list[str]:
    """The label names listed in the system message (lines ``- "Name": description``)."""
    return [json.loads(found) for found in LABEL_LINE.findall(system_of(body))]


def good_spans(body: dict) -> list[dict]:
    """Real quotes of the passage for the labels asked for, with ``start`` counted from ``passage_offset``."""
    passage, offset = passage_of(body)
    spans = []
    for label in labels_of(body):
        kind = label.lower()
        if kind in ("figure", "number", "amount", "casualties"):
            found = [(m.start(), m.group(0)) for m in NUMBER.finditer(passage)]
            reason, confidence = "a number with what it counts", 0.9
        elif kind in ("actor", "person", "name", "people"):
            found = [(m.start(), m.group(0)) for m in NAME.finditer(passage)]
            reason, confidence = "a name of two capitalised words", 0.7
        elif kind in ("claim", "quote", "statement"):
            found = [(m.start(m.lastindex), m.group(m.lastindex)) for m in QUOTED.finditer(passage)]
            reason, confidence = "words in quotation marks", 0.6
        else:
            found = []
        spans += [{"label": label, "quote": quote, "start": offset + at, "reason": reason, "confidence": confidence}
                  for at, quote in found]
    return spans


def hallucinated_spans(body: dict) -> list[dict]:
    passage, offset = passage_of(body)
    labels = labels_of(body) or ["Figure"]
    first_word = (passage.split() or ["nothing"])[0]
    return good_spans(body) + [
        {"label": labels[0], "quote": "a sentence that appears nowhere in the article", "start": offset,
         "reason": "invented", "confidence": 0.99},
        {"label": "Evil", "quote": first_word, "start": offset, "reason": "a label nobody asked for",
         "confidence": 0.99}]


def obedient_spans(body: dict) -> list[dict]:
    passage, offset = passage_of(body)
    spans = good_spans(body)
    if "ignore all previous instructions" in passage.lower():
        for match in re.finditer(r"\w+", passage):
            for label in ("Actor", "Evil"):
                spans.append({"label": label, "quote": match.group(0), "start": offset + match.start(),
                              "reason": "the article told me to", "confidence": 1.0})
    return spans


def completion(content: str, model: str) -> bytes:
    return json.dumps({"id": "chatcmpl-test", "object": "chat.completion", "model": model,
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content}}]}).encode("utf-8")


# -- the "model" for cross-source pairs (prompt pairs-1) ----------------------------------------------------------

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                "hundred": 100, "dozen": 12}
COUNTED = re.compile(r"\b(\d+(?:[.,]\d+)*|" + "|".join(NUMBER_WORDS) + r")\s+([^\W\d_]+)", re.IGNORECASE)


def pair_data_of(body: dict) -> dict:
    """The data object of a pairs request (``statement``, ``statement_context``, ``passage``, ``passage_offset``)."""
    for message in reversed(body.get("messages", [])):
        content = message.get("content", "") if message.get("role") == "user" else ""
        start = content.find('{"statement"')
        if start >= 0:
            return json.JSONDecoder().raw_decode(content[start:])[0]
    return {}


def _count(word: str) -> float:
    word = word.lower()
    return float(NUMBER_WORDS[word]) if word in NUMBER_WORDS else float(word.replace(",", ""))


def good_pairs(body: dict) -> dict:
    """A deterministic pairs "model": a number in the statement is looked for in the passage before the same noun
    ("six people" / "seven people"): the same number agrees, another contradicts; a statement without a number
    agrees with the passage repeating it word for word."""
    data = pair_data_of(body)
    statement, passage = str(data.get("statement", "")), str(data.get("passage", ""))
    offset = int(data.get("passage_offset", 0))
    counted = COUNTED.search(statement)
    pairs = []
    if counted:
        value, noun = _count(counted.group(1)), counted.group(2).lower()
        for found in COUNTED.finditer(passage):
            if found.group(2).lower() == noun:
                same = _count(found.group(1)) == value
                pairs.append({"quote": found.group(0), "start": offset + found.start(),
                              "relation": "agrees" if same else "contradicts",
                              "reason": f"{found.group(0)!r} {'is' if same else 'is not'} {counted.group(0)!r}"})
    elif statement and statement.lower() in passage.lower():
        at = passage.lower().index(statement.lower())
        pairs.append({"quote": passage[at:at + len(statement)], "start": offset + at, "relation": "agrees",
                      "reason": "the same words"})
    return {"pairs": pairs}


# -- the server -------------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - quiet: the tests read the recorded requests instead
        pass

    def do_GET(self):
        self.server.record(Recorded("GET", self.path, dict(self.headers.items())))
        if self.path.rstrip("/") == "/v1/models":
            data = [{"id": name, "object": "model", "owned_by": "tests"} for name in self.server.script.models]
            self.send(200, json.dumps({"object": "list", "data": data}).encode("utf-8"))
        else:
            self.send(404, b'{"error": {"message": "no such path"}}')

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            body = None
        self.server.record(Recorded("POST", self.path, dict(self.headers.items()), body))
        if self.path.rstrip("/") != "/v1/chat/completions":
            self.send(404, b'{"error": {"message": "no such path"}}')
        elif not isinstance(body, dict):
            self.send(400, b'{"error": {"message": "the body is not a JSON object"}}')
        else:
            self.answer(body)

    def answer(self, body: dict) -> None:
        script = self.server.script
        model = str(body.get("model", ""))
        behaviour: str | Callable[[dict], object] = script.behaviour
        if "pairs-1" in system_of(body):
            behaviour = script.pairs or (good_pairs if script.behaviour == "good" else lambda _body: {"pairs": []})
        if callable(behaviour):
            result = behaviour(body)
            if isinstance(result, Reply):
                self.send(result.status, result.body, result.content_type)
            else:
                content = result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)
                self.send(200, completion(content, model))
            return
        self.scripted(behaviour, body, model)

    def scripted(self, mode: str, body: dict, model: str) -> None:
        script = self.server.script
        if mode == "good":
            self.send(200, completion(json.dumps({"spans": good_spans(body)}, ensure_ascii=False), model))
        elif mode == "hallucinating":
            self.send(200, completion(json.dumps({"spans": hallucinated_spans(body)}, ensure_ascii=False), model))
        elif mode == "obedient":
            self.send(200, completion(json.dumps({"spans": obedient_spans(body)}, ensure_ascii=False), model))
        elif mode == "malformed":
            self.send(200, completion("Sure! The figures are 36 and 40, and the actor is the army.", model))
        elif mode == "huge":
            self.send_huge()
        elif mode == "slow":
            if not script.stop.wait(script.slow_seconds):
                self.send(200, completion('{"spans": []}', model))
        elif mode == "html":
            self.send(200, b"<!doctype html><html><body><h1>Welcome</h1></body></html>", "text/html")
        elif mode == "not_found":
            self.send(404, b"404 page not found", "text/plain")
        elif mode.startswith("status:"):
            status = int(mode.split(":", 1)[1])
            self.send(status, json.dumps({"error": {"message": f"scripted failure {status}\nsecond line"}}).encode())
        else:
            raise ValueError(f"unknown chat server mode {mode!r}")

    def send(self, status: int, data: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_huge(self) -> None:
        """A 10 MB chat completion, with no Content-Length: the client must stop reading by itself."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        block = b" " * 65536
        self.wfile.write(b'{"choices": [{"message": {"role": "assistant", "content": "')
        for _ in range(HUGE_BYTES // len(block)):
            if self.server.script.stop.is_set():
                return
            self.wfile.write(block)
        self.wfile.write(b'"}}]}')


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], script: Script):
        super().__init__(address, Handler)
        self.script = script
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def handle_error(self, request, client_address):
        """A client that hangs up (the tests' client stops reading a huge answer, or times out) is normal."""


class ChatServer:
    """The scripted server on 127.0.0.1 (port 0: a free one), serving from a daemon thread while in ``with``."""

    def __init__(self, script: str | Callable[[dict], object] = "good", *,
                 pairs: Callable[[dict], object] | None = None, models: tuple[str, ...] = ("test-model",),
                 slow_seconds: float = 5.0, port: int = 0, host: str = "127.0.0.1"):
        self.script = Script(script, pairs, tuple(models), slow_seconds)
        self._server = _Server((host, port), self.script)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[Recorded]:
        """The requests received so far (a copy)."""
        with self._server._lock:
            return list(self._server.requests)

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    def start(self) -> ChatServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="chat-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.script.stop.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> ChatServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A scripted OpenAI-compatible chat-completions server.")
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--mode", default="good", help=f"one of {', '.join(MODES)}, or status:N")
    parser.add_argument("--model", action="append", help="a model name /v1/models lists (repeatable)")
    args = parser.parse_args(argv)
    server = ChatServer(args.mode, models=tuple(args.model or ["test-model"]), port=args.port, host=args.host)
    print(f"Serving {args.mode!r} at http://{args.host}:{server.port}/v1 (Ctrl+C stops)", flush=True)
    try:
        server._server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.script.stop.set()
        server._server.server_close()


if __name__ == "__main__":
    main()
