"""Command-line commands beyond the vault's own (registered on the group in `p2p_tui.cli`)."""
