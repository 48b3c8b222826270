"""The checks on code sent to a board that can drop bytes, run here on CPython: the host's
figure must equal what the board's own check computes, and one lost byte must change it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from boardkit.virtual.webrepl_files import CHECKER, GARBLED, check_of

literals = st.lists(st.one_of(st.text(max_size=40), st.binary(max_size=200)), min_size=1, max_size=3)


def board_check():
    scope: dict = {}
    exec(CHECKER, scope)
    return scope["_wr_k"]


@given(literals)
def test_the_board_takes_what_the_host_checked(args):
    args = tuple(args)
    assert board_check()(args, check_of(args)) == args


@given(literals, st.data())
def test_a_literal_that_lost_a_byte_is_refused(args, data):
    args = list(args)
    which = data.draw(st.sampled_from([i for i, a in enumerate(args) if a]) if any(args) else st.just(None))
    if which is None:
        return
    expected = check_of(tuple(args))
    raw = args[which].encode() if isinstance(args[which], str) else args[which]
    at = data.draw(st.integers(0, len(raw) - 1))
    lost = raw[:at] + raw[at + 1 :]
    args[which] = lost.decode(errors="ignore") if isinstance(args[which], str) else lost
    if check_of(tuple(args)) == expected:
        return  # dropping a byte that decodes to nothing changes nothing sent
    try:
        board_check()(tuple(args), expected)
    except ValueError as exc:
        assert str(exc) == GARBLED
    else:
        raise AssertionError("a garbled literal was taken")
