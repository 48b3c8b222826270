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

_bk_f = None
_bk_n = 0


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


def _bk_open(p):
    global _bk_f, _bk_n
    _bk_f = open(p, "wb")
    _bk_n = 0


def _bk_wb(b, n, c, o):
    # n and c (length and 16-bit byte sum) catch a piece garbled on its way here:
    # plain raw mode has no flow control, and the host resends what fails this check.
    # o (the piece's offset) makes a resend of a piece that did arrive harmless.
    global _bk_n
    if len(b) != n or sum(b) & 0xFFFF != c:
        raise ValueError("bk: garbled")
    if o + n == _bk_n:
        return
    if o != _bk_n:
        raise ValueError("bk: offset")
    if _bk_f.write(b) != n:
        # A full filesystem writes less without saying so (micro:bit): say it.
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
    _bk_f.close()


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
    s = _bk_stat(tmp)
    if not s or s[1] != n:
        os.remove(tmp)
        raise OSError("bk: full")
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
        # Opening p to write drops the old p at once, so first make sure the copy fits:
        # if it would not, p stays as it was.
        s = _bk_stat(p)
        if not _bk_room(n - (s[1] if s else 0) + len(p) + 128):
            os.remove(tmp)
            raise OSError("bk: no room beside" if s else "bk: no room for copy")
        _bk_copy(tmp, p)
        os.remove(tmp)
    s = _bk_stat(p)
    print(s[1] if s else -1)


def _bk_room(k):
    # Can k more bytes be written? Write them to a scratch file, then remove it.
    f = open("room.bktmp", "wb")
    b = bytes(64)
    try:
        while k > 0:
            if f.write(b) != 64:
                break
            k -= 64
    except OSError:
        # Full: the micro:bit deletes the file itself (it is gone from listdir).
        return False
    f.close()
    try:
        os.remove("room.bktmp")
    except OSError:
        pass
    return k <= 0


def _bk_copy(a, b):
    i = open(a, "rb")
    o = open(b, "wb")
    while True:
        c = i.read(128)
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
