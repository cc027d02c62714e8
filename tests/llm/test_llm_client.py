"""The chat-completions client against the scripted server: what is sent, what comes back, every failure kind."""

from __future__ import annotations

import json
import threading

import pytest
from chat_server import ChatServer, Reply

from annotator.core.errors import CancelledError
from annotator.core.llm.client import ChatClient, parse_content
from annotator.core.llm.endpoint import make_endpoint
from annotator.core.llm.types import ModelError

SYSTEM = 'Find spans.\nLabels:\n- "Figure": numbers\n- "Actor": people\n- "Claim": what someone said\n'
PASSAGE = 'Hello. John Smith said "we lost 36 people" on 3 May.'


def messages(passage: str = PASSAGE, offset: int = 0) -> list[dict]:
    data = json.dumps({"passage": passage, "passage_offset": offset}, ensure_ascii=False)
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Data to annotate:\n" + data}]


def client_for(server: ChatServer, *, timeout: float = 5.0, key: str | None = None, **kwargs) -> ChatClient:
    return ChatClient(make_endpoint(server.base_url, "test-model", timeout=timeout), key, **kwargs)


def failure(server: ChatServer, **kwargs) -> ModelError:
    client = client_for(server, **kwargs)
    try:
        with pytest.raises(ModelError) as caught:
            client.chat_json(messages())
    finally:
        client.close()
    return caught.value


def test_a_good_answer_is_the_parsed_json_of_the_message():
    with ChatServer("good") as server:
        answer = client_for(server).chat_json(messages(offset=100))
        (request,) = server.requests
    spans = {(s["label"], s["quote"], s["start"]) for s in answer["spans"]}
    assert spans == {("Figure", "36 people", 100 + PASSAGE.index("36")), ("Figure", "3", 100 + PASSAGE.index("3 May")),
                     ("Actor", "John Smith", 100 + PASSAGE.index("John")),
                     ("Claim", "we lost 36 people", 100 + PASSAGE.index("we lost"))}
    assert request.method == "POST" and request.path == "/v1/chat/completions"
    assert request.body == {"model": "test-model", "messages": messages(offset=100), "temperature": 0,
                            "response_format": {"type": "json_object"}, "stream": False}
    assert "Authorization" not in request.headers


def test_the_api_key_goes_in_a_bearer_header():
    with ChatServer("good") as server:
        client_for(server, key="sk-test").chat_json(messages())
        assert server.requests[0].headers["Authorization"] == "Bearer sk-test"


def test_models_lists_the_servers_model_names():
    with ChatServer("good", models=("llama3", "qwen2.5:7b")) as server:
        assert client_for(server).models() == ["llama3", "qwen2.5:7b"]
        assert server.requests[0].path == "/v1/models"


def test_a_json_fence_around_the_answer_is_allowed():
    assert parse_content('```json\n{"spans": []}\n```', "m") == {"spans": []}
    assert parse_content('```\n{"spans": [1]}```', "m") == {"spans": [1]}
    with ChatServer(lambda body: '```json\n{"spans": []}\n```') as server:
        assert client_for(server).chat_json(messages()) == {"spans": []}


def test_content_that_is_not_json_is_bad_json():
    with ChatServer("malformed") as server:
        error = failure(server)
    assert error.kind == "bad_json"
    assert "not JSON" in str(error) and "\n" not in str(error)


def test_a_huge_answer_is_refused_after_two_megabytes():
    with ChatServer("huge") as server:
        error = failure(server)
    assert error.kind == "too_large"
    assert str(error).startswith("The model's answer is over 2 MB;")


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    with ChatServer(lambda body: Reply(200, b"{" + b" " * 5000 + b"}")) as server:
        error = failure(server, max_bytes=1000)
    assert error.kind == "too_large"


def test_a_slow_server_times_out():
    with ChatServer("slow", slow_seconds=30) as server:
        error = failure(server, timeout=0.3)
    assert error.kind == "timeout"
    assert "0.3 seconds" in str(error)


def test_a_closed_port_is_unreachable():
    with ChatServer("good") as server:
        url = server.base_url
    client = ChatClient(make_endpoint(url, "test-model", timeout=2))
    with pytest.raises(ModelError) as caught:
        client.chat_json(messages())
    assert caught.value.kind == "unreachable"
    assert str(caught.value).startswith(f"Nothing answers at {url}: is Ollama (or your model server) running?")


def test_an_unknown_host_is_unreachable():
    client = ChatClient(make_endpoint("http://no-such-host.invalid:11434/v1", "m", timeout=5))
    with pytest.raises(ModelError) as caught:
        client.models()
    assert caught.value.kind == "unreachable"


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_name_the_status_and_the_key_variable(status):
    with ChatServer(f"status:{status}") as server:
        error = failure(server)
    assert error.kind == "refused"
    assert f"HTTP {status}" in str(error) and "ANNOTATOR_MODEL_API_KEY" in str(error)


def test_other_errors_carry_the_servers_message_on_one_line():
    with ChatServer("status:500") as server:
        error = failure(server)
    assert error.kind == "refused"
    assert str(error).endswith("(HTTP 500): scripted failure 500 second line")
    long = "x" * 1000
    with ChatServer(lambda body: Reply(429, json.dumps({"error": {"message": long}}).encode())) as server:
        error = failure(server)
    assert error.kind == "refused" and len(str(error)) < 300 and str(error).endswith("…")


def no_choices(body: dict) -> Reply:
    return Reply(200, b'{"object": "list", "data": []}')  # JSON, but not a chat completion


@pytest.mark.parametrize("script", ["html", "not_found", no_choices])
def test_servers_that_do_not_speak_chat_completions(script):
    with ChatServer(script) as server:
        error = failure(server)
    assert error.kind == "not_compatible"
    assert "does not speak the OpenAI chat-completions protocol" in str(error)


def test_a_wrong_base_path_is_not_compatible():
    with ChatServer("good") as server:
        client = ChatClient(make_endpoint(server.base_url.removesuffix("/v1"), "m", timeout=5))
        with pytest.raises(ModelError) as caught:
            client.chat_json(messages())
    assert caught.value.kind == "not_compatible"


def test_abort_from_another_thread_cancels_a_waiting_request():
    with ChatServer("slow", slow_seconds=30) as server:
        client = client_for(server, timeout=30)
        outcome: list[BaseException] = []

        def ask():
            try:
                client.chat_json(messages())
            except BaseException as error:  # noqa: BLE001 - the test reads what was raised
                outcome.append(error)

        worker = threading.Thread(target=ask)
        worker.start()
        while not server.requests:
            worker.join(0.01)
        client.abort()
        worker.join(10)
        assert not worker.is_alive()
        assert [type(e) for e in outcome] == [CancelledError]
        with pytest.raises(CancelledError):
            client.chat_json(messages())  # an aborted client asks nothing more
        assert len(server.requests) == 1


def test_the_server_records_requests_and_routes_pair_requests():
    seen = []

    def pairs(body):
        seen.append(body["model"])
        return {"pairs": [{"quote": "x"}]}

    with ChatServer("good", pairs=pairs) as server:
        client = client_for(server)
        answer = client.chat_json([{"role": "system", "content": "Prompt pairs-1."}, {"role": "user", "content": "{}"}])
        default = ChatServer("good")
    assert answer == {"pairs": [{"quote": "x"}]} and seen == ["test-model"]
    with default as server:
        assert client_for(server).chat_json([{"role": "system", "content": "pairs-1"}]) == {"pairs": []}
