"""Where a WebREPL password comes from — never from a command-line argument.

In this order:
  1. the caller passes one (the CLI's ``--password-env VAR`` reads it from $VAR);
  2. the environment variable BOARDKIT_WEBREPL_PASSWORD;
  3. boardkit's config file (platformdirs user_config_path("boardkit")/config.toml,
     or $BOARDKIT_CONFIG)::

        [webrepl."ws://192.168.4.1:8266"]
        password = "..."

        [webrepl]            # for every other ws:// board
        password = "..."

  4. the CLI only: an interactive prompt when stdin is a terminal.

Links never look for a password themselves: they take a `CredentialsProvider` (see
boardkit.links) and call it when the board asks. This module makes the providers:
`fixed_password` (a password the caller has), `stored_credentials` (the environment, then
the config file: what the library uses by default) and `cli_credentials` (all four steps).

Nothing here prints, logs or puts a password into an error message.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from boardkit.errors import AuthError, InvalidInput
from boardkit.links import CredentialsProvider
from boardkit.links.webrepl_link import PASSWORD_HINT, display_url

ENV_PASSWORD = "BOARDKIT_WEBREPL_PASSWORD"
ENV_CONFIG = "BOARDKIT_CONFIG"
UNENCRYPTED_NOTE = "boardkit: note: WebREPL is unencrypted; use it only on a network you trust"


def is_webrepl(url: str | None) -> bool:
    """True for a ws:// URL (a link that may ask for a password)."""
    return bool(url) and str(url).lower().startswith("ws://")


def config_path() -> Path:
    """boardkit's config file: $BOARDKIT_CONFIG, else the platform's user config folder."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_config_path("boardkit") / "config.toml"


def _load_config(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise InvalidInput(
            f"cannot read boardkit's config file {path}: {exc.strerror or exc}",
            hint=f"fix its permissions, or point {ENV_CONFIG} elsewhere",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(
            f"boardkit's config file {path} is not valid TOML ({exc})",
            hint="fix the file (see docs/webrepl.md for the format)",
        ) from None


def _url_keys(url: str) -> list[str]:
    """The spellings of one board's URL a config file may use as its key."""
    keys = [url, url.rstrip("/")]
    parts = urlsplit(url)
    if parts.hostname:
        host = parts.hostname
        port = parts.port or 8266
        path = parts.path.rstrip("/")
        keys += [f"ws://{host}:{port}{path}", f"ws://{host}:{port}{path}/"]
        if port == 8266:
            keys += [f"ws://{host}{path}", f"ws://{host}{path}/"]
    return list(dict.fromkeys(keys))


def config_password(url: str, path: Path | None = None) -> str | None:
    """The password boardkit's config file gives for this URL (its own entry, else the default)."""
    table = _load_config(path or config_path()).get("webrepl")
    if not isinstance(table, dict):
        return None
    for key in _url_keys(url):
        entry = table.get(key)
        if isinstance(entry, dict) and isinstance(entry.get("password"), str):
            return str(entry["password"])
    default = table.get("password")
    return default if isinstance(default, str) else None


def stored_password(url: str) -> str | None:
    """The password from BOARDKIT_WEBREPL_PASSWORD, else from the config file, else None."""
    from_env = os.environ.get(ENV_PASSWORD)
    if from_env:
        return from_env
    return config_password(url)


def password_for(
    url: str, password_env: str | None = None, interactive: bool | None = None, ask: Callable[[str], str] | None = None
) -> str:
    """The password for a ws:// URL as the CLI finds it (see the module docstring).

    password_env: the NAME of an environment variable holding the password (--password-env).
    interactive: may we prompt? (default: stdin is a terminal). ask: the prompt function
    (default getpass.getpass).
    """
    shown = display_url(url)
    if password_env:
        value = os.environ.get(password_env)
        if not value:
            raise AuthError(
                f"--password-env {password_env}: that environment variable is not set",
                hint=f"export {password_env}=... first, or drop --password-env",
            )
        return value
    stored = stored_password(url)
    if stored is not None:
        return stored
    if interactive is None:
        import sys

        interactive = sys.stdin is not None and sys.stdin.isatty()
    if interactive:
        if ask is None:
            import getpass

            ask = getpass.getpass
        return ask(f"WebREPL password for {shown}: ")
    raise AuthError(f"no WebREPL password for {shown}", hint=PASSWORD_HINT)


def fixed_password(password: str) -> CredentialsProvider:
    """A provider that gives this password for any URL (what connect(password=...) uses)."""

    def provide(url: str) -> str:
        return password

    return provide


def stored_credentials(url: str) -> str:
    """A provider: BOARDKIT_WEBREPL_PASSWORD, else the config file; AuthError when neither has one."""
    found = stored_password(url)
    if found is None:
        raise AuthError(f"no WebREPL password for {display_url(url)}", hint=PASSWORD_HINT)
    return found


def cli_credentials(
    password_env: str | None = None, interactive: bool | None = None, ask: Callable[[str], str] | None = None
) -> CredentialsProvider:
    """The CLI's provider: --password-env VAR, the environment, the config file, then a prompt.

    Each URL is asked about once per process (a command opening the board twice prompts once).
    """
    known: dict[str, str] = {}

    def provide(url: str) -> str:
        if url not in known:
            known[url] = password_for(url, password_env, interactive=interactive, ask=ask)
        return known[url]

    return provide
