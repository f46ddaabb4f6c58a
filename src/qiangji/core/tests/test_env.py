import pytest

from qiangji.lib.env import EnvError, env_bool, env_int, env_list, env_secret


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    for raw, expected in [
        ("1", True),
        ("yes", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("", False),
    ]:
        monkeypatch.setenv("QJ_FLAG", raw)
        assert env_bool("QJ_FLAG", default=not expected) is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("QJ_FLAG", "maybe")
    with pytest.raises(EnvError, match="QJ_FLAG"):
        env_bool("QJ_FLAG", default=False)


def test_env_int_refuses_a_non_integer(monkeypatch):
    monkeypatch.setenv("QJ_N", "12a")
    with pytest.raises(EnvError):
        env_int("QJ_N", default=1)
    monkeypatch.setenv("QJ_N", "12")
    assert env_int("QJ_N", default=1) == 12


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("QJ_HOSTS", "a.org, b.org,,")
    assert env_list("QJ_HOSTS", []) == ["a.org", "b.org"]


def test_env_secret_prefers_variable_then_file_then_generated(monkeypatch, tmp_path):
    monkeypatch.delenv("QJ_SECRET", raising=False)
    monkeypatch.delenv("QJ_SECRET_FILE", raising=False)
    generated = env_secret("QJ_SECRET", fallback_file=tmp_path / "key")
    assert len(generated) > 40
    assert env_secret("QJ_SECRET", fallback_file=tmp_path / "key") == generated
    assert (tmp_path / "key").stat().st_mode & 0o077 == 0
    secret_file = tmp_path / "from-file"
    secret_file.write_text("file-secret\n")
    monkeypatch.setenv("QJ_SECRET_FILE", str(secret_file))
    assert env_secret("QJ_SECRET") == "file-secret"
    monkeypatch.setenv("QJ_SECRET", "direct")
    assert env_secret("QJ_SECRET") == "direct"


def test_env_secret_without_any_source_is_an_error(monkeypatch):
    monkeypatch.delenv("QJ_SECRET", raising=False)
    monkeypatch.delenv("QJ_SECRET_FILE", raising=False)
    with pytest.raises(EnvError):
        env_secret("QJ_SECRET")
