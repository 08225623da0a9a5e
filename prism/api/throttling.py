"""API request rates; set them in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

DEFAULT_RATES = {"prism_anon": "120/minute", "prism_user": "1200/minute"}


class _ConfiguredRate:
    """Read the rate when a request comes in, so changed settings take effect."""

    scope: str

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope, DEFAULT_RATES[self.scope])


class PrismAnonRateThrottle(_ConfiguredRate, AnonRateThrottle):
    """Anonymous clients, counted per IP address."""

    scope = "prism_anon"


class PrismUserRateThrottle(_ConfiguredRate, UserRateThrottle):
    """Signed-in clients, counted per user."""

    scope = "prism_user"
