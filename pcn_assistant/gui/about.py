"""Help → About: version and the licences of bundled components."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

COMPONENTS = (
    ("PySide6 (Qt for Python)", "PySide6-Essentials", "LGPL-3.0"),
    ("SQLAlchemy", "SQLAlchemy", "MIT"),
    ("Alembic", "alembic", "MIT"),
    ("pandas", "pandas", "BSD-3-Clause"),
    ("NumPy", "numpy", "BSD-3-Clause"),
    ("SciPy", "scipy", "BSD-3-Clause"),
    ("openpyxl", "openpyxl", "MIT"),
    ("python-calamine", "python-calamine", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
    ("psycopg", "psycopg", "LGPL-3.0"),
    ("argon2-cffi", "argon2-cffi", "MIT"),
)


def _installed(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def about_text(app_version: str) -> str:
    rows = "".join(
        f"<tr><td>{label}</td><td>{_installed(dist)}</td><td>{licence}</td></tr>"
        for label, dist, licence in COMPONENTS
    )
    return (
        f"<h3>PCN Assistant {app_version}</h3>"
        "<p>Caseload, risk stratification, social prescribing and variation audits for "
        "Primary Care Networks.</p>"
        "<p>Risk scores rank people for review. They are not a diagnosis, and the weights "
        "are for local clinical review.</p>"
        f"<table><tr><th align=left>Component</th><th align=left>Version</th>"
        f"<th align=left>Licence</th></tr>{rows}</table>"
    )
