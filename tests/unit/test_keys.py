from __future__ import annotations

from pathlib import Path

from app.security.keys import DataKey, KeyFile, key_file_path, parse_recovery_code


def test_recovery_code_round_trip_forgives_case_spaces_and_lookalikes() -> None:
    key = DataKey.generate()
    code = key.recovery_code()
    assert len(code.split("-")) == 14
    typed = code.lower().replace("-", " ").replace("O", "0")
    assert parse_recovery_code(typed) == key


def test_a_typo_in_the_recovery_code_is_caught_by_its_checksum() -> None:
    code = DataKey.generate().recovery_code()
    swapped = ("B" if code[0] != "B" else "C") + code[1:]
    assert parse_recovery_code(swapped) is None


def test_passphrase_slot_unwraps_only_with_the_right_phrase(tmp_path: Path) -> None:
    key = DataKey.generate()
    path = key_file_path(tmp_path / "emdia.db")
    KeyFile.new(key, "cavalo bateria grampo").save(path)
    loaded = KeyFile.load(path)
    assert loaded is not None
    assert loaded.unlock("cavalo bateria grampo") == key
    assert loaded.unlock("cavalo bateria grampa") is None
    assert loaded.open_with(key.recovery_code()) == key


def test_the_key_file_never_holds_the_key_in_plain_text(tmp_path: Path) -> None:
    key = DataKey.generate()
    path = key_file_path(tmp_path / "emdia.db")
    KeyFile.new(key, "cavalo bateria grampo").save(path)
    text = path.read_text(encoding="utf-8")
    assert key.raw.hex() not in text and key.recovery_code() not in text
    assert "oculta" in repr(key) and key.raw.hex() not in repr(key)
