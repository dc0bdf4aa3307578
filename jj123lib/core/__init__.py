"""The floor everything stands on: errors, the clock, atomic writes, bounded file reading, cell rules, formats."""
