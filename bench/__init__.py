"""Benchmarks of ARCHITECTURE.md §7 (not tests): the vault against plain SQLite and SQLCipher."""
