"""The newsroom's real article dumps in ../shared/samples (or ``PRISM_SAMPLES_DIR``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SAMPLES = Path(
    os.environ.get(
        "PRISM_SAMPLES_DIR", Path(__file__).resolve().parents[3] / "shared" / "samples"
    )
)


def sample_path(name: str) -> Path:
    """The real sample ``name``; the test fails, naming the path, when it is missing."""
    path = SAMPLES / name
    if not path.is_file():
        pytest.fail(
            f"real sample {path} not found: the newsroom's dumps belong in "
            "../shared/samples next to the checkout, or set PRISM_SAMPLES_DIR",
            pytrace=False,
        )
    return path
