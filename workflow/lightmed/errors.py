"""Exceptions that carry a user-facing, one-line message naming the culprit and the fix."""

from __future__ import annotations


class LightmedError(Exception):
    """Base class: the message is meant for the user, not a traceback reader."""


class InputError(LightmedError, ValueError):
    """Malformed or unphysical input (file, column, row, value)."""


class ConfigError(LightmedError, ValueError):
    """Invalid configuration (key, allowed range)."""


class ArtifactError(LightmedError, ValueError):
    """An artifact is missing variables, has the wrong schema or is stale."""


class ConvergenceError(LightmedError, RuntimeError):
    """A numerical solver did not converge; the message names the inputs."""
