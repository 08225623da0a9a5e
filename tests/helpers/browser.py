"""The browser the real-browser tests drive, and the marker that needs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Debian's Chromium, driven through Playwright (its own browser download does not work
# on the newsroom's machines); browser tests are skipped with the install command.
CHROMIUM = Path(os.environ.get("PRISM_CHROMIUM", "/usr/bin/chromium"))
requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=(
        f"Chromium not found at {CHROMIUM}: install it with "
        "`sudo apt-get install -y chromium` (or set PRISM_CHROMIUM)"
    ),
)
