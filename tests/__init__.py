"""jj123's tests; the folders mirror jj123lib's."""
