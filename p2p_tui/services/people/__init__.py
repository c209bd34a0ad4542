"""The people who give support: the roster of supporters, their training and the honorarium ledger."""
