"""The command line's commands, one module each (registered on the group in `p2p_tui.cli`)."""
