"""PRISM: personalized Korean economic briefings for a newsroom's Django CMS."""

# The one place the version lives: pyproject.toml reads it, CHANGELOG.md names it.
__version__ = "0.1.0"
