"""labgrid:// pieces that need no lab: URLs, coordinator addresses, place matching on labgrid's
own protocol messages, and what happens without labgrid installed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from boardkit.errors import InvalidInput
from boardkit.fleet import parse_roster
from boardkit.links import link_scheme
from boardkit.links.labgrid_coordinator import coordinator_address
from boardkit.links.labgrid_link import SCHEME, parse_url
from boardkit.links.labgrid_protocol import Resource, generated, map_values, match_text, place_matches
from cli_helpers import boardkit, one_line_error

pytestmark = pytest.mark.labgrid


def test_the_scheme_is_registered():
    assert link_scheme("labgrid://pupil1") is SCHEME


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("labgrid://pupil1", ("pupil1", None, 10.0)),
        ("labgrid://pupil1/", ("pupil1", None, 10.0)),
        ("labgrid://table%204?coordinator=lab-pc:20408", ("table 4", "lab-pc:20408", 10.0)),
        ("labgrid://p?timeout=2.5&coordinator=10.0.0.1", ("p", "10.0.0.1", 2.5)),
    ],
)
def test_urls(url, expected):
    assert parse_url(url) == expected


@pytest.mark.parametrize(
    "url", ["labgrid://", "labgrid://a/b", "labgrid://p?port=3", "labgrid://p?timeout=x", "labgrid://p?timeout=0"]
)
def test_bad_urls(url):
    with pytest.raises(InvalidInput):
        parse_url(url)


def test_coordinator_addresses(monkeypatch):
    monkeypatch.delenv("LG_COORDINATOR", raising=False)
    assert coordinator_address() == "127.0.0.1:20408"
    assert coordinator_address("lab-pc") == "lab-pc:20408"
    assert coordinator_address("[::1]") == "[::1]:20408"
    assert coordinator_address("[::1]:3000") == "[::1]:3000"
    monkeypatch.setenv("LG_COORDINATOR", "lab-pc:4000")
    assert coordinator_address() == "lab-pc:4000"
    assert coordinator_address("other:5") == "other:5"
    with pytest.raises(InvalidInput):
        coordinator_address("lab-pc:http")


def test_place_matching_on_labgrid_messages():
    messages, _ = generated()
    place = messages.Place(name="pupil1")
    place.matches.add(exporter="bench-*", group="pupil1", cls="NetworkSerialPort")
    place.matches.add(exporter="pi4", group="*", cls="NetworkSerialPort", name="uart0")

    def resource(exporter, group, cls="NetworkSerialPort", name="RawSerialPort"):
        return Resource(exporter, group, name, cls, {}, None, True)

    assert place_matches(place, resource("bench-a", "pupil1"))
    assert not place_matches(place, resource("bench-a", "pupil2"))
    assert not place_matches(place, resource("bench-a", "pupil1", cls="NetworkPowerPort"))
    assert place_matches(place, resource("pi4", "any", name="uart0"))
    assert not place_matches(place, resource("pi4", "any", name="uart1"))
    assert [match_text(m) for m in place.matches] == [
        "bench-*/pupil1/NetworkSerialPort",
        "pi4/*/NetworkSerialPort/uart0",
    ]


def test_map_values():
    messages, _ = generated()
    res = messages.Resource(cls="NetworkSerialPort")
    res.params["host"].string_value = "127.0.0.1"
    res.params["port"].uint_value = 4001
    res.params["unset"].Clear()
    assert map_values(res.params) == {"host": "127.0.0.1", "port": 4001, "unset": None}


def test_rosters_take_labgrid_urls():
    roster = parse_roster('[seats.alice]\nboard = "virtual_wasm"\nurl = "labgrid://pupil1?coordinator=lab:20408"\n')
    assert roster.seats[0].value == "labgrid://pupil1?coordinator=lab:20408"


def test_without_labgrid_one_line_names_the_install():
    code = (
        "import sys; sys.modules['labgrid'] = None\n"  # as if it were not installed
        "from boardkit.cli.main import main\n"
        "sys.exit(main(['-p', 'labgrid://pupil1', 'ls']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    line = one_line_error(result)
    assert "labgrid:// needs labgrid, which is not installed" in line
    assert "pip install 'boardkit[labgrid]'" in line


def test_match_goes_with_labgrid(tmp_path):
    result = boardkit("fleet", "scan", "--match", "pupil*", "--roster", str(tmp_path / "c.toml"))
    assert result.returncode == 2
    assert "--match goes with --labgrid" in one_line_error(result)
