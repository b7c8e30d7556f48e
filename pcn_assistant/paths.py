"""User folders, resolved once through platformdirs so nothing is tied to a home directory."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

_DIRS = PlatformDirs("pcn-assistant", "PCN Assistant")


def data_dir() -> Path:
    override = os.environ.get("PCN_ASSISTANT_DATA_DIR")
    path = Path(override) if override else Path(_DIRS.user_data_dir)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def log_dir() -> Path:
    override = os.environ.get("PCN_ASSISTANT_DATA_DIR")
    path = Path(override) / "logs" if override else Path(_DIRS.user_log_dir)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_database_path() -> Path:
    return data_dir() / "pcn-assistant.db"


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
