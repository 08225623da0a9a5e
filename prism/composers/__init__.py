"""Generative composer backends (plain Python, no Django).

A composer turns one prompt into a model's answer: :mod:`.openai_compatible` talks to
any OpenAI-compatible chat-completions server (vLLM, Ollama, llama.cpp, a commercial
API), :mod:`.local` runs a transformers causal LM in the worker. :mod:`.prompts`
loads the Korean prompt templates, :mod:`.parsing` reads JSON out of answers and
:mod:`.limits` holds the concurrency cap and the circuit breaker. What a composer
writes is checked by :mod:`prism.nlp.grounding` before it reaches a draft; the
Django side is :mod:`prism.services.composers`.
"""
