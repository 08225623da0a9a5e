"""Loading a configured backend by name or dotted path (summarizers, composers)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any


def build_backend(
    name: str,
    options: Mapping[str, Any],
    *,
    backends: Mapping[str, str],
    kind: str,
    protocol: type,
    error: type[Exception],
    unknown_hint: str,
    protocol_hint: str,
) -> Any:
    """An instance of the backend ``name`` (a known short name or a dotted path).

    Every failure raises ``error`` with a message saying what to configure: an
    unknown name, a path that does not import, options the class refuses, or an
    object that is not a ``protocol``.
    """
    path = backends.get(name.lower(), name)
    if "." not in path:
        raise error(f"Unknown {kind} backend {name!r}: {unknown_hint}")
    module_name, _, class_name = path.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise error(f"Cannot import {kind} backend {path!r}: {exc}") from exc
    try:
        backend = cls(**options)
    except TypeError as exc:
        raise error(
            f"{kind.capitalize()} backend {path!r} does not accept options "
            f"{sorted(options)}: {exc}"
        ) from exc
    if not isinstance(backend, protocol):
        raise error(f"{path!r} is not a {kind}: it needs {protocol_hint}.")
    return backend
