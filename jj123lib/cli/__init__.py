"""The ``jj123`` command line."""
