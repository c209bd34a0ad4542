"""Process hardening at start: no core dumps, no Textual devtools or logs, private file modes."""

from __future__ import annotations

import contextlib
import os

# Textual can be told by the environment to log, screenshot or talk to devtools; none of that may run.
UNSAFE_ENV = (
    "TEXTUAL_LOG",
    "TEXTUAL_SCREENSHOT",
    "TEXTUAL_SCREENSHOT_LOCATION",
    "TEXTUAL_DEVTOOLS_HOST",
    "TEXTUAL_DEVTOOLS_PORT",
)


def harden() -> None:
    """Disable core dumps, drop Textual's devtools/log/screenshot settings, and set umask 077."""
    for name in UNSAFE_ENV:
        os.environ.pop(name, None)
    features = os.environ.get("TEXTUAL", "")
    if features:
        kept = [f for f in features.split(",") if f.strip() not in ("devtools", "debug")]
        os.environ["TEXTUAL"] = ",".join(kept)
    os.umask(0o077)
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
