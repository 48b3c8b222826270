"""Run by boardkit's wasm virtual board in each fresh interpreter, before its REPL starts.

It makes MicroPython's WebAssembly build look like a board to clients that drive real ones
(mpremote, ampy, rshell, mpfshell): the flash (a folder of the emulated filesystem that holds
nothing else) becomes "/", os.ilistdir gives sizes, and there are os.uname, a `machine`
module and an input() that reads the board's UART. board.mjs supplies `boardkitBoard`
(the flash folder, reset requests, the unique id) and, below the Python level, MicroPython's
errno numbers, the flash's size (statvfs, ENOSPC) and the 255-byte name limit.
"""


def _join(base, name):
    if not base:
        return name
    sep = b"/" if isinstance(base, bytes) else "/"
    return base + name if base.endswith(sep) else base + sep + name


def _install():
    import builtins
    import os
    import sys

    import machine  # noqa: F401  (imported now, from boardkit's folder: a "built-in" from here on)
    from js import boardkitBoard as board

    os.umount("/")
    os.mount(os.VfsPosix(board.flashRoot), "/")
    os.chdir("/")

    plain_ilistdir = os.ilistdir

    def ilistdir(*args):
        # (name, type, inode, size) as a littlefs or FAT board gives; the build gives 3 items
        base = args[0] if args else ""
        for entry in plain_ilistdir(*args):
            if len(entry) > 3:
                yield entry
                continue
            size = 0
            if entry[1] == 0x8000:
                try:
                    size = os.stat(_join(base, entry[0]))[6]
                except OSError:
                    pass
            yield (entry[0], entry[1], 0, size)

    os.ilistdir = ilistdir

    plain_rename = os.rename

    def from_top(path, cwd):
        # path from the flash's top ("a/b"), or None when it is on another mount
        if not path.startswith("/"):
            path = _join(cwd, path)
        for _, point in os.mount():
            if point != "/" and (path == point or path.startswith(point + "/")):
                return None
        return path.lstrip("/") or "."

    def rename(old, new):
        # The build's VfsPosix keeps both absolute paths of a rename in one buffer when it
        # has a root folder, so the second overwrites the first: rename from the top instead.
        if isinstance(old, str) and isinstance(new, str):
            cwd = os.getcwd()
            a, b = from_top(old, cwd), from_top(new, cwd)
            if a is not None and b is not None:
                os.chdir("/")
                try:
                    return plain_rename(a, b)
                finally:
                    os.chdir(cwd)
        return plain_rename(old, new)

    os.rename = rename

    plain_stat = os.stat

    def stat(path):
        # littlefs's shape: type bits only, no inode/device/links, folders of size 0
        st = plain_stat(path)
        if not isinstance(path, str) or from_top(path, os.getcwd()) is None:
            return st
        kind = st[0] & 0xF000
        return (kind, 0, 0, 0, 0, 0, st[6] if kind == 0x8000 else 0, st[7], st[8], st[9])

    os.stat = stat

    plain_getcwd = os.getcwd

    def getcwd():
        # at the flash's top after chdir(".."), the build's VfsPosix strips its root to ""
        return plain_getcwd() or "/"

    os.getcwd = getcwd

    version = "%d.%d.%d" % sys.implementation.version[:3]
    built = sys.version.split("; MicroPython ")[-1]  # "v1.27.0 on 2025-12-10"
    from collections import namedtuple

    uname_result = namedtuple("uname_result", ("sysname", "nodename", "release", "version", "machine"))
    info = uname_result("webassembly", "webassembly", version, built, sys.implementation._machine)

    def uname():
        return info

    os.uname = uname

    after_cr = [False]

    def read_input(prompt=""):
        # The build's own input() waits for a key it is never given; read the UART as a
        # board's readline does: echo, backspace, Enter (\r; a \n right after it is skipped),
        # Ctrl-D on an empty line is EOF. A Ctrl-C arrives as KeyboardInterrupt by itself.
        out = sys.stdout
        if prompt:
            out.write(prompt)
        line = []
        while True:
            c = sys.stdin.read(1)
            if not c:
                raise EOFError
            if c == "\n" and after_cr[0]:
                after_cr[0] = False
                continue
            after_cr[0] = False
            if c == "\r" or c == "\n":
                after_cr[0] = c == "\r"
                out.write("\r\n")
                return "".join(line)
            if c == "\x04" and not line:
                raise EOFError
            if c in ("\x08", "\x7f"):
                if line:
                    line.pop()
                    out.write("\x08 \x08")
            elif c >= " ":
                line.append(c)
                out.write(c)

    builtins.input = read_input

    # `uos` is the build's C module under the frozen `os` package, and its attributes cannot
    # be set: clients that `import uos` (mpfshell) get the `os` patched above.
    sys.modules["uos"] = os


_install()
