"""p2p-tui: the coordinator's console for a physician Peer-to-Peer support program."""

__version__ = "0.1.0"
