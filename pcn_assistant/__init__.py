"""PCN Assistant: caseload, risk stratification, social prescribing and variation audits
for English NHS Primary Care Networks."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``__version__`` on first use: importlib.metadata costs tens of milliseconds at
    start-up, which every command line run would pay for nothing."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("pcn-assistant")
    except PackageNotFoundError:  # running from a source tree that is not installed
        value = "0.0.0+source"
    globals()["__version__"] = value
    return value
