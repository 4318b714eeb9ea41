"""Named exceptions.  Each message says what went wrong *and* what to do about it."""
from __future__ import annotations


class StorylineError(Exception):
    """Base class for every error storyline raises on purpose."""


class InputError(StorylineError):
    """An input could not be read or understood.  Always names the input."""

    def __init__(self, input: str, reason: str):
        self.input = input
        self.reason = reason
        super().__init__(f"{input}: {reason}")


class ConfigError(StorylineError):
    """Invalid settings (unknown key, wrong type, bad value)."""


class StoreError(StorylineError):
    """The database cannot be opened, migrated or written."""


class MissingExtraError(StorylineError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str, feature: str):
        super().__init__(
            f"{feature} needs the '{package}' package, which is not installed. "
            f"Install it with: pip install 'storyline[{extra}]'"
        )


class ModelNotInstalledError(StorylineError):
    """A packaged model is missing; nothing is ever downloaded at run time."""
