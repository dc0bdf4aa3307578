"""The package version, in one place (the wheel's metadata and every fingerprint use it)."""

__version__ = "0.1.0"
