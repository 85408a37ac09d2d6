"""The HTTP API beside the UI (`legal-assistant serve`): the answer schema, one-line 4xx errors for
bad requests, the UI's Gradio endpoints, and many sessions at once. Over the small synthetic corpus
and the fake embedder; the API runs in-process (TestClient) or on a loopback port."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from test_cli import ANSWER_KEYS, CITATION_KEYS

from assistant import Assistant, Settings
from assistant.server import create_app, serve
from fakes import FAKE_THRESHOLDS, FakeEmbeddings, free_port

QUESTION = "What is the fine for living without registration for more than one month?"


@pytest.fixture
def client(fake_assistant) -> TestClient:
    return TestClient(create_app(fake_assistant))


def test_ask_returns_the_schema_v1_answer(client):
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= ANSWER_KEYS and body["schema_version"] == 1 and body["status"] == "answered"
    assert set(body["citations"][0]) >= CITATION_KEYS and body["citations"][0]["doc_id"] == "demo-code"


def test_ask_takes_k_mode_and_filters(client):
    body = client.post("/api/ask", json={"question": "three months residence", "k": 1, "jurisdiction": "eu",
                                         "mode": "extractive"}).json()
    assert len(body["hits"]) >= 1 and {h["doc_id"] for h in body["hits"]} == {"eu-fragment"}


def test_an_unanswerable_question_is_a_200_with_status_not_found(client):
    body = client.post("/api/ask", json={"question": "What is the price of bread on Mars?"}).json()
    assert body["status"] == "not_found" and body["citations"] == []


def test_chat_resolves_a_follow_up_against_the_history_in_the_body(client):
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "..."}]
    body = client.post("/api/chat", json={"message": "and if repeated within a year?", "history": history}).json()
    assert body["query"] == f"{QUESTION} and if repeated within a year?"
    alone = client.post("/api/chat", json={"message": "and if repeated within a year?"}).json()
    assert alone["query"] == "and if repeated within a year?"


@pytest.mark.parametrize(("body", "status", "message"), [
    ({}, 422, "question: Field required"),
    ({"question": 5}, 422, "question: Input should be a valid string"),
    ({"question": ["a"]}, 422, "question: Input should be a valid string"),
    ({"question": QUESTION, "k": "3"}, 422, "k: Input should be a valid integer"),
    ({"question": QUESTION, "k": 0}, 422, "k: Input should be greater than or equal to 1"),
    ({"question": QUESTION, "mode": "poetry"}, 422, "mode: Input should be 'extractive' or 'llm'"),
    ({"question": QUESTION, "colour": "red"}, 422, "colour: Extra inputs are not permitted"),
    ({"question": ""}, 422, "question: String should have at least 1 character"),
    ({"question": "   "}, 422, "The question is empty"),
    ({"question": "x" * 4001}, 422, "question: String should have at most 4000 characters"),
    ({"question": "x" * 1_000_000}, 413, "the request body is larger than"),
])
def test_bad_ask_bodies_get_a_4xx_with_one_line(client, body, status, message):
    response = client.post("/api/ask", json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert message in error and "\n" not in error and "Traceback" not in error


@pytest.mark.parametrize(("body", "message"), [
    ({"history": []}, "message: Field required"),
    ({"message": "and?", "history": "none"}, "history: Input should be a valid list"),
    ({"message": "and?", "history": [{"role": "system", "content": "x"}]}, "history.0.role: Input should be 'user' or 'assistant'"),
    ({"message": "and?", "history": [["q", "a"]]}, "history.0: Input should be a valid dictionary"),
])
def test_bad_chat_bodies_get_a_422_with_one_line(client, body, message):
    response = client.post("/api/chat", json=body)
    assert response.status_code == 422 and message in response.json()["error"]


def test_a_body_that_is_not_json_gets_a_422(client):
    response = client.post("/api/ask", content=b"{question: ", headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json() == {"error": "the request body is not valid JSON"}


def test_wrong_methods_and_unknown_endpoints_get_one_line(client):
    assert client.get("/api/ask").json() == {"error": "GET is not allowed on /api/ask; use POST"}
    response = client.get("/api/answers")
    assert response.status_code == 404 and "/api/ask" in response.json()["error"]


def test_without_an_index_answers_are_503_and_health_says_why(tmp_path, small_corpus):
    bot = Assistant(Settings(corpus_dir=small_corpus, data_dir=tmp_path / "none", **FAKE_THRESHOLDS),
                    embeddings=FakeEmbeddings())
    client = TestClient(create_app(bot))
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 503 and "legal-assistant ingest" in response.json()["error"]
    health = client.get("/api/health")
    assert health.status_code == 503 and health.json()["status"] == "unavailable"


def test_corpus_and_health(client, fake_assistant):
    corpus = client.get("/api/corpus").json()
    assert corpus["schema_version"] == 1 and {d["doc_id"] for d in corpus["documents"]} >= {"demo-code", "old-charter"}
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["chunks"] == len(fake_assistant.index.chunks)
    assert health["store"] == "embedded" and health["index_version"] == fake_assistant.index.version


def test_the_openapi_schema_describes_the_api(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/chat", "/api/corpus", "/api/health"} <= set(schema["paths"])
    assert "question" in schema["components"]["schemas"]["AskRequest"]["properties"]


def test_the_ui_is_served_at_the_root(client):
    response = client.get("/")
    assert response.status_code == 200 and "<html" in response.text.lower()


@pytest.fixture
def served(fake_assistant):
    running = serve(fake_assistant, "127.0.0.1", free_port(), block=False, quiet=True)
    yield running
    running.close()


def test_gradio_endpoints_are_named_one_per_action_and_return_structured_citations(served):
    from gradio_client import Client

    client = Client(f"{served.url}/", verbose=False)
    api = client.view_api(return_format="dict", print_info=False)
    assert set(api["named_endpoints"]) == {"/ask", "/reset"} and not api["unnamed_endpoints"]
    assert [p["parameter_name"] for p in api["named_endpoints"]["/ask"]["parameters"]] == ["message", "jurisdiction",
                                                                                            "language"]
    textbox, chat, sources, answer = client.predict(QUESTION, "All", "All", api_name="/ask")
    assert textbox == "" and chat[-1]["role"] == "assistant" and "source-card" in sources
    assert answer["schema_version"] == 1 and answer["citations"][0]["label"].startswith("Demo Code, Art. 7")
    with pytest.raises(Exception, match="The question is empty"):
        client.predict("  ", "All", "All", api_name="/ask")


def test_many_sessions_at_once_each_resolve_follow_ups_against_their_own_history(served):
    """Eight threads, each its own conversation; a mixed-up history would show in the searched query."""
    import httpx

    questions = [QUESTION, "Can a Union citizen reside in another Member State for three months?",
                 "Who may choose a place of residence under the charter?", "What must a landlord do about unregistered persons?"]
    results: dict[int, str] = {}

    def session(n: int) -> None:
        question = questions[n % len(questions)]
        with httpx.Client(base_url=served.url, timeout=60) as http:
            first = http.post("/api/ask", json={"question": question}).json()
            history = [{"role": "user", "content": question}, {"role": "assistant", "content": first["text"]}]
            results[n] = http.post("/api/chat", json={"message": f"and what about case {n}?", "history": history}).json()["query"]

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {n: f"{questions[n % len(questions)]} and what about case {n}?" for n in range(8)}
