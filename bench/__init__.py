"""Benchmarks of DESIGN section 7 (not tests): the vault against plain SQLite and SQLCipher."""
