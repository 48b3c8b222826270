# boardkit's filesystem helpers. Runs ON the board: the host sends this file once per
# session and then calls the functions. Written for every dialect boardkit supports,
# down to the micro:bit v1 (MicroPython 1.9: no f-strings, os has only listdir, remove,
# size and uname, no binascii, ~8 KB of heap) — keep it small and old-fashioned.
import os

try:
    import ubinascii as _bk_b
except ImportError:
    try:
        import binascii as _bk_b
    except ImportError:
        _bk_b = None

try:
    import uhashlib as _bk_hl
except ImportError:
    try:
        import hashlib as _bk_hl
    except ImportError:
        _bk_hl = None

_bk_f = None  # the file being written (one at a time), or None
_bk_p = None  # its path
_bk_n = 0  # bytes written to it so far


def _bk_x(s, k):
    # Run a call only if it came whole: k is its length << 16 | its 16-bit byte sum. Plain
    # raw mode has no flow control, and a call that lost a byte of a path or a number may
    # still parse, and then work on another file. The host resends what fails this.
    b = bytes(s, "utf8")
    if len(b) << 16 | sum(b) & 0xFFFF != k:
        raise ValueError("bk: garbled call")
    del b
    exec(s, globals())


def _bk_join(d, n):
    return n if d in ("", ".") else d.rstrip("/") + "/" + n


def _bk_stat(p):
    # (kind, size): kind "f" file, "d" folder; None when missing.
    if hasattr(os, "stat"):
        try:
            s = os.stat(p)
        except OSError:
            return None
        return ("d", 0) if s[0] & 0x4000 else ("f", s[6])
    p = p.lstrip("/")
    if p == "":
        return ("d", 0)
    if p in os.listdir():
        return ("f", os.size(p))
    return None


def _bk_ls(d):
    r = []
    if hasattr(os, "ilistdir"):
        for e in os.ilistdir(d):
            if e[1] == 0x4000:
                r.append((e[0], -1))
            elif len(e) > 3 and e[3] >= 0:
                r.append((e[0], e[3]))
            else:
                r.append((e[0], os.stat(_bk_join(d, e[0]))[6]))
    elif hasattr(os, "stat"):
        for n in os.listdir(d):
            s = os.stat(_bk_join(d, n))
            r.append((n, -1 if s[0] & 0x4000 else s[6]))
    else:
        for n in os.listdir():
            r.append((n, os.size(n)))
    print(repr(r))


def _bk_get(p, n):
    # One encoded line per n bytes read: base64 where the board has binascii, else hex.
    f = open(p, "rb")
    while True:
        c = f.read(n)
        if not c:
            break
        if _bk_b:
            print(_bk_b.b2a_base64(c).decode().strip())
        else:
            print("".join("%02x" % x for x in c))
    f.close()


def _bk_rm(p):
    try:
        os.remove(p)
    except OSError:
        pass


def _bk_open(p):
    # Never open an existing file to write: the micro:bit frees only its first chunk then
    # (the rest leaks). A file left from an earlier try goes first.
    global _bk_f, _bk_p, _bk_n
    _bk_drop()
    _bk_rm(p)
    _bk_p = p
    _bk_n = 0
    _bk_f = open(p, "wb")


def _bk_drop():
    # Give up the file being written and remove it. A file the filesystem already dropped
    # is not closed: the micro:bit deletes a file whose write finds it full, and closing
    # that file afterwards writes into a chunk another file may own by then.
    global _bk_f, _bk_p, _bk_n
    f = _bk_f
    _bk_f = None
    _bk_n = -1
    if _bk_p and _bk_stat(_bk_p):
        if f:
            f.close()
        _bk_rm(_bk_p)
    _bk_p = None


def _bk_wb(b, n, c, o):
    # n and c (length and 16-bit byte sum) catch a piece garbled on its way here:
    # plain raw mode has no flow control, and the host resends what fails this check.
    # o (the piece's offset) makes a resend of a piece that did arrive harmless.
    global _bk_n
    if len(b) != n or sum(b) & 0xFFFF != c:
        raise ValueError("bk: garbled")
    if o + n == _bk_n:
        return
    if not _bk_f:
        raise OSError("bk: not open")
    if o != _bk_n:
        raise ValueError("bk: garbled offset")
    try:
        k = _bk_f.write(b)
    except OSError:
        k = -1
    if k != n:
        # Full: the micro:bit raises (and deletes the file), others may write less.
        _bk_drop()
        raise OSError("bk: full")
    _bk_n += n


def _bk_w64(s, n, c, o):
    _bk_wb(_bk_b.a2b_base64(s), n, c, o)


def _bk_hash(p):
    # "s:" + SHA-256 where the board has hashlib; else "a:" + Adler-32, which needs only
    # small ints (the micro:bit v1 has no hashlib). The host computes the same.
    f = open(p, "rb")
    if _bk_hl and hasattr(_bk_hl, "sha256"):
        h = _bk_hl.sha256()
        while True:
            c = f.read(1024)
            if not c:
                break
            h.update(c)
        f.close()
        return "s:" + "".join("%02x" % x for x in h.digest())
    a = 1
    b = 0
    while True:
        c = f.read(128)
        if not c:
            break
        for x in c:
            a = (a + x) % 65521
            b = (b + a) % 65521
    f.close()
    return "a:%04x%04x" % (b, a)


def _bk_fin():
    # Closed and whole; _bk_place puts it in place (until then _bk_drop removes it).
    global _bk_f
    f = _bk_f
    if not f:
        raise OSError("bk: not open")
    _bk_f = None
    f.close()


def _bk_check(p, h):
    # The finished temporary file must hash to what the host sent; else it goes.
    if _bk_hash(p) != h:
        os.remove(p)
        raise ValueError("bk: hash")


def _bk_place(tmp, p, n):
    # Put the checked file in place. Where the board can rename that is atomic. Where it
    # cannot (micro:bit v1) it is copied on the board, in one exec: once this code has
    # arrived a cut cable can no longer stop it half-way. A temporary file that is not
    # whole (n bytes) never replaces anything. tmp == p: written in place, nothing to do.
    global _bk_p
    s = _bk_stat(tmp)
    if not s or s[1] != n:
        _bk_rm(tmp)
        raise OSError("bk: short")
    if tmp == p:
        pass
    elif hasattr(os, "rename"):
        try:
            os.rename(tmp, p)
        except OSError:
            # Some filesystems will not rename over an existing file.
            os.remove(p)
            os.rename(tmp, p)
    else:
        # The old p goes before the copy is made, so first make sure the copy will fit
        # whatever happens: if it would not, p stays as it was.
        # Chunks of 126 bytes (the micro:bit's; the first holds the name, a full last one
        # still gets a next one) the new p takes, less those the old p frees.
        s = _bk_stat(p)
        k = (n + len(p) + 2) // 126 + 1
        if s:
            k -= (s[1] + len(p) + 2) // 126 + 1
        if not _bk_room(k):
            _bk_rm(tmp)
            raise OSError("bk: no room beside" if s else "bk: no room for copy")
        _bk_rm(p)
        _bk_copy(tmp, p)
        os.remove(tmp)
    _bk_p = None  # in place: no longer ours to remove
    s = _bk_stat(p)
    print(s[1] if s else -1)


def _bk_room(k):
    # Are k more chunks free, and 8 more so that the micro:bit can sweep its freed chunks
    # together? Write that much to a scratch file, then remove it. The micro:bit deletes a
    # file that finds it full: the scratch file is then gone, and never touched again.
    _bk_rm("room.bktmp")
    b = bytes(126)
    k = k + 9
    try:
        f = open("room.bktmp", "wb")
        while k > 0:
            if f.write(b) != 126:
                break
            k -= 1
    except OSError:
        _bk_rm("room.bktmp")
        return False
    f.close()
    _bk_rm("room.bktmp")
    return k <= 0


def _bk_copy(a, b):
    i = open(a, "rb")
    o = open(b, "wb")
    while True:
        c = i.read(126)
        if not c:
            break
        o.write(c)
    o.close()
    i.close()


def _bk_tree(d):
    # One line per entry below d: (path, size, hash); folders have size -1, hash None.
    if not hasattr(os, "stat"):
        for n in os.listdir():
            print(repr((n, os.size(n), _bk_hash(n)[:18])))
        return
    for n in os.listdir(d):
        p = _bk_join(d, n)
        try:
            s = os.stat(p)
            if s[0] & 0x4000:
                print(repr((p, -1, None)))
                _bk_tree(p)
            elif s[0] & 0x8000:
                print(repr((p, s[6], _bk_hash(p)[:18])))
        except OSError:
            pass  # not a readable file (a device node on the wasm board): not user data


def _bk_rmtree(d):
    # Remove d and everything below it, deepest first.
    for n in os.listdir(d):
        p = _bk_join(d, n)
        if os.stat(p)[0] & 0x4000:
            _bk_rmtree(p)
        else:
            os.remove(p)
    os.rmdir(d)


def _bk_list(d):
    # What d is (first line, as _bk_stat), then the tree below it: one round trip.
    s = _bk_stat(d)
    print(repr(s))
    if s and s[0] == "d":
        _bk_tree(d)


def _bk_clean():
    # Leave nothing behind: a small board needs that heap for the user's program.
    for k in [k for k in globals() if k.startswith("_bk_")]:
        del globals()[k]
    import gc

    gc.collect()


# -- boards with room (never sent to a micro:bit v1) -----------------------------------


def _bk_inflate(i, n, c):
    # Decompress the zlib stream i into the file being written, 1 KB at a time: the board
    # holds the compressed piece and 1 KB, never the file. n and c (length and 16-bit sum of
    # what comes out) are checked after; a mismatch drops the whole file (it cannot be
    # taken back), so the host starts it again.
    global _bk_n
    import deflate

    if not _bk_f:
        raise OSError("bk: not open")
    d = deflate.DeflateIO(i, deflate.ZLIB)
    b = bytearray(1024)
    m = memoryview(b)
    k = 0
    t = 0
    while True:
        r = d.readinto(b)
        if not r:
            break
        try:
            w = _bk_f.write(m[:r])
        except OSError:
            w = -1
        if w != r:
            _bk_drop()
            raise OSError("bk: full")
        k += r
        t += sum(m[:r])
    if k != n or t & 0xFFFF != c:
        _bk_drop()
        raise ValueError("bk: corrupt")
    _bk_n += n


def _bk_wz(s, n, c, o):
    # A piece sent deflate-compressed: a zlib stream, base64. o as in _bk_wb.
    import io

    if o + n == _bk_n:
        return
    if o != _bk_n:
        raise ValueError("bk: garbled offset")
    _bk_inflate(io.BytesIO(_bk_b.a2b_base64(s)), n, c)


def _bk_unz(z, p, n):
    # z, which a link's file transfer put there: pieces, each an 8-byte header (its length,
    # the length and 16-bit sum of what it decompresses to) and a zlib stream. One file read
    # per piece (a stream read byte by byte is slow), decompressed into p; then z goes.
    import io

    _bk_open(p)
    i = open(z, "rb")
    try:
        while True:
            h = i.read(8)
            if not h:
                break
            k = len(h) == 8 and h[0] | h[1] << 8 | h[2] << 16
            b = i.read(k) if k else b""
            if not k or len(b) != k:
                _bk_drop()
                raise ValueError("bk: corrupt")
            _bk_inflate(io.BytesIO(b), h[3] | h[4] << 8 | h[5] << 16, h[6] | h[7] << 8)
    finally:
        i.close()
        os.remove(z)
    if _bk_n != n:
        _bk_drop()
        raise ValueError("bk: corrupt")
    _bk_fin()


def _bk_lh(d):
    # What d is, a hash of everything below it and the free bytes, in one short line: the
    # host compares the hash with the listing it kept from last time instead of asking for
    # the listing. Each entry's line as _bk_tree reports it, hashed, the hashes summed: the
    # order os.listdir gives does not matter. boardkit's own folder is not the user's.
    s = _bk_stat(d)
    h = [0]
    if s and s[0] == "d":
        _bk_lhw(d, h)
    try:
        v = os.statvfs("/")
        f = v[0] * v[3]
    except Exception:
        f = -1
    print(repr((s, "%016x" % h[0], f)))


def _bk_lhw(d, h):
    for n in os.listdir(d):
        p = _bk_join(d, n)
        if p == "/.boardkit":
            continue
        try:
            s = os.stat(p)
        except OSError:
            continue
        if s[0] & 0x4000:
            e = "%s -1 -" % p
        elif s[0] & 0x8000:
            e = "%s %d %s" % (p, s[6], _bk_hash(p)[:18])
        else:
            continue
        h[0] = (h[0] + int.from_bytes(_bk_hl.sha256(e.encode()).digest()[:8], "big")) & 0xFFFFFFFFFFFFFFFF
        if s[0] & 0x4000:
            _bk_lhw(p, h)


def _bk_ident():
    # What the board is, as the probe reports it: the host's saved answer is for this board.
    import sys

    i = sys.implementation
    try:
        u = os.uname()
        m, r = u[4], u[2]
    except Exception:
        m, r = getattr(i, "_machine", sys.platform), ""
    return (i.name, tuple(i.version[:3]), sys.platform, m, r)


def _bk_boot(g, i):
    # Put our functions into g (the REPL's globals), where the host's calls name them. i: the
    # board the host believes this is (from its cache), or None.
    if i and _bk_ident() != i:
        raise ImportError("bk:board")
    for k, v in globals().items():
        if k[:4] == "_bk_":
            g[k] = v


def _bk_unboot(g):
    # Take them out again (the module keeps them).
    for k in [k for k in g if k[:4] == "_bk_"]:
        del g[k]
