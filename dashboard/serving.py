"""The dashboard serves this machine only and sends no usage statistics, however Streamlit was started.

`python -m dashboard` (and `make dashboard`) pass the settings as flags, and dashboard/.streamlit/config.toml holds
them for `streamlit run dashboard/app.py` from any folder. Should a flag or the environment override them anyway,
every page refuses to show the data and says how to start the dashboard instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit import config

LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")


def problems(get_option: Callable[[str], Any] | None = None) -> list[str]:
    """What in Streamlit's effective settings breaks the promise: an address others can reach, usage statistics."""
    get_option = get_option or config.get_option
    found = []
    address = get_option("server.address")
    if address not in LOCAL_ADDRESSES:
        found.append(f"it listens on {address or 'every network interface'}, not only on 127.0.0.1")
    if get_option("browser.gatherUsageStats"):
        found.append("Streamlit's usage statistics are on")
    return found


def refuse_unless_local() -> None:
    """Stop the page, with a message, unless it is served on this machine only with usage statistics off."""
    found = problems()
    if found:
        st.error(
            "This dashboard serves this machine only and sends nothing anywhere, but "
            + " and ".join(found)
            + ". Start it with `make dashboard` or `python -m dashboard` (or drop the flags or STREAMLIT_ variables "
            "that set server.address or browser.gatherUsageStats).",
            icon=":material/lock:",
        )
        st.stop()
