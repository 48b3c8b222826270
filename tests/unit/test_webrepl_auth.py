"""Where a WebREPL password comes from (no board needed)."""

from __future__ import annotations

import pytest

from boardkit import webrepl_auth
from boardkit.errors import AuthError, InvalidInput
from boardkit.links.webrepl_link import _incomplete_tail, display_url

URL = "ws://192.168.4.1:8266"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("BOARDKIT_WEBREPL_PASSWORD", raising=False)
    monkeypatch.setenv("BOARDKIT_CONFIG", str(tmp_path / "missing.toml"))


def write_config(monkeypatch, tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("BOARDKIT_CONFIG", str(path))
    return path


def test_password_env_option_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("MY_PW", "from-option")
    monkeypatch.setenv("BOARDKIT_WEBREPL_PASSWORD", "from-env")
    write_config(monkeypatch, tmp_path, '[webrepl]\npassword = "from-config"\n')
    assert webrepl_auth.password_for(URL, "MY_PW", interactive=False) == "from-option"


def test_password_env_option_unset_is_an_error(monkeypatch):
    monkeypatch.setenv("BOARDKIT_WEBREPL_PASSWORD", "from-env")
    with pytest.raises(AuthError) as info:
        webrepl_auth.password_for(URL, "NOT_SET_ANYWHERE_PW", interactive=False)
    assert "NOT_SET_ANYWHERE_PW" in str(info.value)


def test_env_var_before_config(monkeypatch, tmp_path):
    monkeypatch.setenv("BOARDKIT_WEBREPL_PASSWORD", "from-env")
    write_config(monkeypatch, tmp_path, '[webrepl]\npassword = "from-config"\n')
    assert webrepl_auth.password_for(URL, interactive=False) == "from-env"
    assert webrepl_auth.stored_password(URL) == "from-env"


def test_config_entry_for_the_url_before_the_default(monkeypatch, tmp_path):
    write_config(
        monkeypatch,
        tmp_path,
        '[webrepl]\npassword = "default"\n\n[webrepl."ws://192.168.4.1:8266"]\npassword = "own"\n',
    )
    assert webrepl_auth.password_for(URL, interactive=False) == "own"
    assert webrepl_auth.password_for("ws://192.168.4.1", interactive=False) == "own"  # default port
    assert webrepl_auth.password_for("ws://192.168.4.1:8266/", interactive=False) == "own"
    assert webrepl_auth.password_for("ws://10.0.0.9:8266", interactive=False) == "default"


def test_boardkit_config_moves_the_file(monkeypatch, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text('[webrepl]\npassword = "moved"\n')
    monkeypatch.setenv("BOARDKIT_CONFIG", str(other))
    assert webrepl_auth.config_path() == other
    assert webrepl_auth.password_for(URL, interactive=False) == "moved"


def test_default_config_path_is_platformdirs(monkeypatch):
    import platformdirs

    monkeypatch.delenv("BOARDKIT_CONFIG")
    assert webrepl_auth.config_path() == platformdirs.user_config_path("boardkit") / "config.toml"


def test_prompt_only_when_interactive(monkeypatch):
    asked = []

    def ask(prompt):
        asked.append(prompt)
        return "typed"

    assert webrepl_auth.password_for(URL, interactive=True, ask=ask) == "typed"
    assert asked and URL in asked[0]
    with pytest.raises(AuthError) as info:
        webrepl_auth.password_for(URL, interactive=False, ask=ask)
    assert "no WebREPL password" in str(info.value)
    assert len(asked) == 1


def test_bad_config_is_invalid_input_without_the_password(monkeypatch, tmp_path):
    write_config(monkeypatch, tmp_path, '[webrepl]\npassword = "hunter2\n')
    with pytest.raises(InvalidInput) as info:
        webrepl_auth.password_for(URL, interactive=False)
    assert "hunter2" not in str(info.value) + (info.value.hint or "")


def test_display_url_drops_credentials():
    assert display_url("ws://user:hunter2@10.0.0.2:8266/") == "ws://10.0.0.2:8266/"
    assert display_url("ws://10.0.0.2") == "ws://10.0.0.2"


@pytest.mark.parametrize(
    "data, held",
    [
        (b"abc", 0),
        (b"", 0),
        ("é".encode()[:1], 1),
        ("✓".encode()[:2], 2),
        ("✓".encode(), 0),
        ("😀".encode()[:3], 3),
        ("😀".encode(), 0),
        (b"x" + "é".encode(), 0),
    ],
)
def test_incomplete_utf8_tail(data, held):
    assert _incomplete_tail(data) == held
