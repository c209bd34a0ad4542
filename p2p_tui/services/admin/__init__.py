"""Looking after the vault's contents: CSV imports, the retention purge, the passphrase rule."""
