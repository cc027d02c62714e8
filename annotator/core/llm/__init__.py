"""Suggestions from a language model the analyst chooses (the only code that talks to a model endpoint).

One protocol: OpenAI-compatible chat completions (``/v1/chat/completions``) with a base URL and a model
name, which Ollama, llama.cpp's server, vLLM, LM Studio and hosted services all speak. The default endpoint
is local (:data:`annotator.core.llm.endpoint.DEFAULT_BASE_URL`); a remote host is used only with the
analyst's consent for that host. What comes back is data: every quote is anchored in the stored text
(code-point offsets, ``text[start:end] == quote``) or dropped and counted, never trusted.

Modules (see docs/models.md):

* :mod:`~annotator.core.llm.types` — the records shared by the engine, the CLI and the window;
* :mod:`~annotator.core.llm.endpoint` — base URL, model, what is local, consent, API keys;
* :mod:`~annotator.core.llm.client` — the HTTP client (the only module that opens a connection);
* :mod:`~annotator.core.llm.prompt`, :mod:`~annotator.core.llm.chunks`, :mod:`~annotator.core.llm.anchor` —
  what is asked, in pieces that fit the model's context, and how answers are anchored in the text;
* :mod:`~annotator.core.llm.spans` — span suggestions for documents and labels (cached per document, model and
  prompt version);
* :mod:`~annotator.core.llm.pairs` — cross-source pairs: the same statement in other reports;
* :mod:`~annotator.core.llm.evaluate` — precision, recall and F1 per label against the analyst's reviewed tags.
"""
