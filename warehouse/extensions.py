"""DuckDB extensions for the DuckLake backend, installed offline from the pinned packages.

``INSTALL ducklake`` downloads from DuckDB's extension site, which these machines cannot reach
(FIELD-NOTES). DuckDB's own signed builds of the extensions are on the package registry as
``duckdb-extension-ducklake`` and ``duckdb-extension-postgres-scanner`` (pinned in
requirements.lock with duckdb 1.5.5: a 1.5.5 build refuses to load in any other DuckDB). Those
packages only drop the binary into site-packages; :func:`install_extensions` copies each one,
once, into the project's extension folder with ``FORCE INSTALL '<path>'`` (DuckDB checks the
signature when it loads it). Connections to a DuckLake then use that folder with automatic
installation off, so nothing is ever downloaded at run time: a missing extension is an error
that says which command installs it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Extension name -> the Python package that carries its binary.
PACKAGES = {
    "ducklake": "duckdb_extension_ducklake",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
}
INSTALL_HINT = "run `deflator extensions install` (`make install` does it)"


class ExtensionMissing(RuntimeError):
    """A DuckDB extension the DuckLake backend needs is not in the extension folder."""


@dataclass(frozen=True)
class InstalledExtension:
    """One extension in the project's folder."""

    name: str
    version: str
    path: str


def offline_config(extension_dir: Path) -> dict[str, object]:
    """DuckDB settings of every connection that may load extensions: ours, never downloaded."""
    return {
        "extension_directory": str(extension_dir),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }


def packaged_binary(name: str) -> Path:
    """The extension binary shipped by the pinned package, for this DuckDB version.

    Raises:
        ExtensionMissing: The package is not installed, or carries no build for this DuckDB.
    """
    package = PACKAGES[name]
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError as missing:
        raise ExtensionMissing(
            f"the package {package.replace('_', '-')} is not installed: `make install` "
            "installs it from requirements.lock"
        ) from missing
    folder = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    binary = folder / f"{name}.duckdb_extension"
    if not binary.is_file():
        raise ExtensionMissing(
            f"{package.replace('_', '-')} has no build for DuckDB {duckdb.__version__} "
            f"(looked for {binary}); pin the package version equal to duckdb's"
        )
    return binary


def install_extensions(
    extension_dir: Path, names: tuple[str, ...] = tuple(PACKAGES)
) -> list[InstalledExtension]:
    """Copy the packaged extensions into ``extension_dir`` (no network). Idempotent."""
    extension_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config=offline_config(extension_dir))
    try:
        for name in names:
            quoted = str(packaged_binary(name)).replace("'", "''")
            con.execute(f"FORCE INSTALL '{quoted}'")
    finally:
        con.close()
    return installed_extensions(extension_dir)


def installed_extensions(extension_dir: Path) -> list[InstalledExtension]:
    """The extensions of :data:`PACKAGES` present in ``extension_dir``."""
    con = duckdb.connect(config=offline_config(extension_dir))
    try:
        rows = con.execute(
            "SELECT extension_name, extension_version, install_path FROM duckdb_extensions() "
            "WHERE installed AND list_contains(?, extension_name) ORDER BY extension_name",
            [list(PACKAGES)],
        ).fetchall()
    finally:
        con.close()
    return [InstalledExtension(*row) for row in rows]


def load_extensions(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> None:
    """Load ``names`` from the connection's extension folder, or say how to install them."""
    for name in names:
        try:
            con.execute(f"LOAD {name}")
        except duckdb.Error as problem:
            (folder,) = con.execute("SELECT current_setting('extension_directory')").fetchone()
            raise ExtensionMissing(
                f"the DuckDB extension {name} is not installed in {folder}: {INSTALL_HINT} "
                f"({type(problem).__name__}: {problem})"
            ) from problem
