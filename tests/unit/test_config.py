from __future__ import annotations

from pathlib import Path

import pytest

from app.config import load_config


def test_default_database_lives_in_the_data_dir(emdia_home: Path) -> None:
    config = load_config()
    assert config.sqlite_path == emdia_home.resolve() / "emdia.db"
    assert load_config(demo=True).sqlite_path == emdia_home.resolve() / "emdia-demo.db"


def test_db_flag_beats_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMDIA_DB_URL", "postgresql+psycopg://u@h/db")
    assert load_config().db_url == "postgresql+psycopg://u@h/db"
    assert load_config(str(tmp_path / "x.db")).sqlite_path == tmp_path / "x.db"
    assert load_config().sqlite_path is None


def test_memory_url_has_no_file() -> None:
    assert load_config("sqlite:///:memory:").sqlite_path is None
