"""The store: the SQLite ledger and its archive, audit events, benchmark tables, content memos, fingerprints."""
