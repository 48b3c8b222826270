# boardkit's mount: runs ON the board. A VFS whose files live in a folder on the computer,
# reached over the REPL's own serial stream while a program runs (host side:
# boardkit/mount/). Every name is _bk_-prefixed: the raw REPL's globals are the program's.
#
# A request is one line on stdout: b"\x18BKM" + repr((op, args...)) + b"\n" (printable
# ASCII after the prefix, so never the raw REPL's \x04). The answer comes on stdin:
# a sync byte (\x18, or \x19 = "the user pressed Ctrl-C: stop after this"), a
# little-endian int32 (negative: -errno; else the payload's length), the payload.
# Ctrl-C is off while a request is in flight (a \x03 in the answer is data); one that
# arrives before the sync byte is kept and raised once the answer is read.


def _bk_req(op, *args):
    import sys

    import micropython

    micropython.kbd_intr(-1)
    try:
        sys.stdout.write("\x18BKM" + repr((op,) + args) + "\n")
        r = sys.stdin.buffer
        stop = False
        while True:
            b = r.read(1)
            if not b:
                raise OSError(5)
            if b in (b"\x18", b"\x19"):
                break
            if b == b"\x03":
                stop = True
        stop = stop or b == b"\x19"
        h = _bk_exact(r, 4)
        n = h[0] | h[1] << 8 | h[2] << 16 | h[3] << 24
        if n >= 0x80000000:
            n -= 0x100000000
        d = _bk_exact(r, n) if n > 0 else b""
    finally:
        micropython.kbd_intr(3)
    if stop:
        raise KeyboardInterrupt
    if n < 0:
        raise OSError(-n)
    return d


def _bk_exact(r, n):
    # a FileIO read may return less than asked
    d = r.read(n)
    while len(d) < n:
        m = r.read(n - len(d))
        if not m:
            raise OSError(5)
        d += m
    return d


def _bk_cut(d):
    # how many bytes the last (UTF-8) character of d lacks
    i = len(d) - 1
    k = 0
    while i >= 0 and d[i] & 0xC0 == 0x80 and k < 3:
        i -= 1
        k += 1
    if i < 0:
        return 0
    c = d[i]
    return max(0, (1 if c < 0x80 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4) - k - 1)


class _BkMountFile(__import__("io").IOBase):
    def __init__(s, h, text):
        s.h = h
        s.t = text
        s.b = b""  # read ahead; s.b[s.i:] not yet taken
        s.i = 0
        s.c = False

    def _fill(s, n):
        # bytes left in the read-ahead buffer, fetching more when it is empty
        if s.i >= len(s.b) and not s.c:
            s.b = _bk_req("R", s.h, n)
            s.i = 0
        return len(s.b) - s.i

    def _take(s, n):
        # up to n bytes (n < 0: to the end of the file)
        out = []
        while n != 0 and s._fill(16384 if n < 0 else max(n, 4096)):
            k = len(s.b) - s.i if n < 0 else min(n, len(s.b) - s.i)
            out.append(s.b[s.i : s.i + k])
            s.i += k
            if n > 0:
                n -= k
        return out[0] if len(out) == 1 else b"".join(out)

    def _o(s, d):
        return str(d, "utf-8") if s.t else d

    def read(s, n=-1):
        d = s._take(-1 if n is None else n)
        while s.t and d and _bk_cut(d):
            more = s._take(_bk_cut(d))  # finish a character the chunk cut
            if not more:
                break
            d += more
        return s._o(d)

    def readinto(s, buf):
        d = s._take(len(buf))
        buf[: len(d)] = d
        return len(d)

    def readline(s, n=-1):
        out = b""
        while n < 0 or len(out) < n:
            if not s._fill(4096):
                break
            j = s.b.find(b"\n", s.i)
            k = len(s.b) if j < 0 else j + 1
            if n >= 0:
                k = min(k, s.i + n - len(out))
            out += s.b[s.i : k]
            s.i = k
            if out[-1:] == b"\n":
                break
        return s._o(out)

    def readlines(s):
        return list(s)

    def __iter__(s):
        return s

    def __next__(s):
        line = s.readline()
        if not line:
            raise StopIteration
        return line

    def write(s, d):
        import binascii

        if s.t and isinstance(d, str):
            d = d.encode()
        n = 0
        mv = memoryview(d)
        while n < len(d):
            k = min(len(d) - n, 8192)
            n += int(_bk_req("W", s.h, binascii.b2a_base64(mv[n : n + k]).strip().decode()))
        return n

    def seek(s, off, whence=0):
        if whence == 1:
            off -= len(s.b) - s.i
        s.b = b""
        s.i = 0
        return int(_bk_req("K", s.h, off, whence))

    def tell(s):
        return s.seek(0, 1)

    def flush(s):
        pass

    def close(s):
        if not s.c:
            s.c = True
            s.b = b""
            s.i = 0
            _bk_req("C", s.h)

    def ioctl(s, req, arg):
        # the stream protocol, for the importer (4: close, 1: flush)
        if req == 4:
            s.close()
        return 0 if req in (1, 4) else -22

    def __enter__(s):
        return s

    def __exit__(s, *a):
        s.close()


class _BkMountFS:
    def __init__(s):
        s.cwd = "/"

    def _p(s, p):
        return p if p[:1] == "/" else s.cwd.rstrip("/") + "/" + p

    def mount(s, readonly, mkfs):
        pass

    def umount(s):
        pass

    def chdir(s, p):
        p = s._p(p)
        if p != "/" and s.stat(p)[0] & 0x4000 == 0:
            raise OSError(20)
        parts = []
        for q in p.split("/"):
            if q == "..":
                parts = parts[:-1]
            elif q and q != ".":
                parts.append(q)
        s.cwd = "/" + "/".join(parts)

    def getcwd(s):
        return s.cwd

    def stat(s, p):
        m, z, t = [int(x) for x in _bk_req("S", s._p(p)).split()]
        return (m, 0, 0, 0, 0, 0, z, t, t, t)

    def statvfs(s, p):
        return tuple(int(x) for x in _bk_req("V", s._p(p)).split())

    def ilistdir(s, p):
        d = _bk_req("L", s._p(p))
        for e in d.split(b"\x00") if d else ():
            z, _, name = e[1:].partition(b" ")
            yield (str(name, "utf-8"), 0x4000 if e[:1] == b"d" else 0x8000, 0, int(z))

    def open(s, p, mode):
        return _BkMountFile(int(_bk_req("O", s._p(p), mode)), "b" not in mode)

    def mkdir(s, p):
        _bk_req("M", s._p(p))

    def remove(s, p):
        _bk_req("D", s._p(p))

    def rmdir(s, p):
        _bk_req("X", s._p(p))

    def rename(s, a, b):
        _bk_req("N", s._p(a), s._p(b))


def _bk_mount(mp):
    import os
    import sys

    try:
        os.umount(mp)
    except OSError:
        pass
    _BkMountFS.before = set(sys.modules)
    os.mount(_BkMountFS(), mp)
    os.chdir(mp)


def _bk_umount(mp):
    import os
    import sys

    try:
        if os.getcwd().startswith(mp):
            os.chdir("/")
    except OSError:
        pass
    # modules imported from the folder go with it (through sys.path's "" their __file__ is
    # relative): the next run imports them afresh
    before = getattr(_BkMountFS, "before", ())
    for k in list(sys.modules):
        f = getattr(sys.modules[k], "__file__", "") or ""
        if isinstance(f, str) and (f.startswith(mp + "/") or k not in before and f[:1] != "/"):
            del sys.modules[k]
    try:
        os.umount(mp)
    except OSError:
        pass
