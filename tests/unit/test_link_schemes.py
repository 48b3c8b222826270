"""The link registry: each built-in scheme is declared by the module it names, and a link
gets only the options it declares (no board needed: pyserial's loop:// link)."""

from __future__ import annotations

import pytest

from boardkit.errors import InvalidInput
from boardkit.links import LINKS, link_scheme, open_link, scheme_of


@pytest.mark.parametrize("scheme", [s for s in LINKS.names()])
def test_each_scheme_is_declared_by_its_module(scheme):
    assert scheme in LINKS.get(scheme).schemes


def test_links_ignore_credentials_they_do_not_declare():
    def never(url: str) -> str:
        raise AssertionError("a serial link asked for a password")

    link = open_link("loop://", credentials=never)
    try:
        link.write(b"ping")
        assert link.read(4, 1.0) + link.read(4, 0.2) == b"ping"
    finally:
        link.close()
    assert "credentials" in link_scheme("ws://10.0.0.1:8266").options


@pytest.mark.parametrize(
    "url, scheme", [("/dev/ttyACM0", ""), ("COM3", ""), ("C:\\x", ""), ("SOCKET://h:1", "socket"), ("ws://h", "ws")]
)
def test_scheme_of(url, scheme):
    assert scheme_of(url) == scheme


def test_unknown_scheme_names_the_known_ones():
    with pytest.raises(InvalidInput) as info:
        open_link("bluetooth://x")
    assert "unknown kind of port" in str(info.value) and "rfc2217://" in (info.value.hint or "")
