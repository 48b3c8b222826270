"""Locks and forks: a fleet's threads start processes while other threads probe and reopen.

A child forked by one thread holds copies of the parent's open files until it execs, flock
locks included. These tests fork busily (real processes) in the background and check that
a board name and a serial port are not taken for busy because of such a copy. Both failed
before the fix (a name probe said "in use" ~11% of the time; a reopened port was "in use by
another program" ~75% of the time), which broke `fleet flash` in CI.
"""

from __future__ import annotations

import subprocess
import threading
from contextlib import contextmanager

import pytest

from boardkit import virtual
from boardkit.errors import PortBusy
from boardkit.links import serial_link
from boardkit.virtual import layout


@contextmanager
def busy_forking(threads: int = 4):
    stop = threading.Event()

    def spawn():
        while not stop.is_set():
            subprocess.Popen(["true"], start_new_session=True, close_fds=True).wait()

    workers = [threading.Thread(target=spawn) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        yield
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def test_a_free_board_name_stays_free_while_threads_fork():
    layout.board_dir("free-name").mkdir(parents=True, exist_ok=True)
    layout.lock_path("free-name").touch()  # as a stopped board leaves it
    with busy_forking():
        said_taken = sum(virtual._name_in_use("free-name") for _ in range(3000))
    assert said_taken == 0


@pytest.mark.wasm
def test_a_running_board_name_is_taken(wasm_board):
    assert virtual._name_in_use(wasm_board.name)


@pytest.mark.wasm
def test_a_port_just_closed_opens_again_while_threads_fork(wasm_board):
    busy = 0
    with busy_forking():
        for _ in range(300):
            try:
                serial_link.open(wasm_board.port).close()
            except PortBusy:
                busy += 1
    assert busy == 0
