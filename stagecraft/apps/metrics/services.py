"""The metrics app's public API: what the apps above it (alerts) and the project import."""

from .signals import freshness_changed

__all__ = ["freshness_changed"]
