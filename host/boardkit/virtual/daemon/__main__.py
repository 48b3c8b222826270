"""`python -m boardkit.virtual.daemon ...`: run one virtual board's daemon (see control.DaemonArgs)."""

from __future__ import annotations

import os
import sys

from boardkit.virtual.control import WEBREPL_PASSWORD_ENV, DaemonArgs
from boardkit.virtual.daemon.board_daemon import Daemon


def main(argv: list[str] | None = None) -> int:
    """Parse the daemon's command line and run the board until it stops; the exit status."""
    args = DaemonArgs.parse(argv)
    # The password travels in the environment (argv shows in ps); the backend must not inherit it.
    password = os.environ.pop(WEBREPL_PASSWORD_ENV, None)
    if args.webrepl_port is not None and not password:
        print(f"--webrepl needs a password in ${WEBREPL_PASSWORD_ENV}", file=sys.stderr)
        return 2
    return Daemon(
        args.name,
        args.kind,
        args.baud,
        args.webrepl_port,
        password,
        args.image,
        args.ready_after,
        flash_size=args.flash_size,
    ).run()


if __name__ == "__main__":
    sys.exit(main())
