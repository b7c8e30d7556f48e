"""Entry point PyInstaller freezes: the same ``main`` as the ``pcn-assistant`` console script.

Kept outside the package so PyInstaller analyses ``pcn_assistant`` as a normal package.
"""

from pcn_assistant.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
