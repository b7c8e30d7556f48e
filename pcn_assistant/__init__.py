"""PCN Assistant: caseload, risk stratification, social prescribing and variation audits
for English NHS Primary Care Networks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pcn-assistant")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
