# boardkit's capability probe. Runs ON the board, once per session; prints one repr'd
# tuple the host parses with ast.literal_eval. MicroPython 1.9-compatible (no f-strings),
# and it runs inside a function so it leaves nothing behind on a board with 8 KB of heap.
def _bk_probe():
    import gc
    import os
    import sys

    i = sys.implementation
    try:
        u = os.uname()
        m, r = u[4], u[2]
    except Exception:
        m, r = getattr(i, "_machine", sys.platform), ""
    x = 0
    for b in ("ubinascii", "binascii"):
        try:
            __import__(b)
            x = 1
            break
        except ImportError:
            pass
    h = 0
    for b in ("uhashlib", "hashlib"):
        try:
            h = int(hasattr(__import__(b), "sha256"))
            break
        except ImportError:
            pass
    z = 0
    try:
        z = int(hasattr(__import__("deflate"), "DeflateIO"))
    except ImportError:
        pass
    try:
        v = os.statvfs("/")
        s = (v[0] * v[3], v[0] * v[2])
    except Exception:
        s = None
    gc.collect()
    f = gc.mem_free()
    t = f + gc.mem_alloc() if hasattr(gc, "mem_alloc") else 0
    c = [
        n
        for n in (
            "stat",
            "ilistdir",
            "listdir",
            "remove",
            "rename",
            "mkdir",
            "rmdir",
            "size",
            "statvfs",
            "getcwd",
            "chdir",
            "sync",
        )
        if hasattr(os, n)
    ]
    v = getattr(i, "_mpy", getattr(i, "mpy", 0))  # the .mpy it imports: "mpy" in 1.12-1.18
    print(repr((i.name, tuple(i.version[:3]), sys.platform, m, r, f, t, c, x, s, v, h, z)))


_bk_probe()
del _bk_probe
