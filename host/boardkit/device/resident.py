"""boardkit's helpers kept on the board between sessions (boards with room and folders).

lib/bk_fs.py is stored on the board's flash as /.boardkit/bkfs_VERSION.py, VERSION a hash of
its shrunk source (on a small filesystem it is kept in RAM only, in sys.modules, until the
next soft reset). The first call of a session imports it in the same exec (a module
imported before, with no soft reset since, is already in sys.modules) and copies its
functions into the REPL's globals, where the calls expect them: no helper code crosses the
link. Missing or of another version: the import fails with "bk:missing", the host writes
the module (removing other versions) and runs the call again.

When the host took the board's capabilities from its cache (no probe this session), the
same exec checks the board is the one they describe ("bk:board" when it is not).

The micro:bit v1 and other small boards keep their helpers sent piece by piece (helpers.py):
their heap cannot hold the module, their flash (15 KB) has no room to spare.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import zlib

from boardkit import device_code
from boardkit.device.probe import Capabilities, small_heap

FOLDER = "/.boardkit"  # hidden from listings and syncs (remote_fs.HIDDEN)
# The module (about 6 KB, two or three flash blocks) is stored only on a filesystem at least
# this big with this much free: a small one keeps that room for the user's files.
FLASH_TOTAL_MIN = 1024 * 1024
FLASH_FREE_MIN = 256 * 1024
MISSING = "bk:missing"
OTHER_BOARD = "bk:board"


def applies(caps: Capabilities) -> bool:
    """Does this board keep the helpers on its flash? (folders, rename, room, sys.modules)"""
    return (
        caps.implementation == "micropython"
        and caps.has_folders
        and "rename" in caps.os_calls
        and not small_heap(caps)
        and caps.sha256
    )


def on_flash(caps: Capabilities) -> bool:
    """Store the module on the board's flash (else it is kept in RAM only, in sys.modules,
    until the board's next soft reset)."""
    return bool(caps.fs_space) and caps.fs_space[1] >= FLASH_TOTAL_MIN and caps.fs_space[0] >= FLASH_FREE_MIN


@functools.cache
def module_source() -> bytes:
    """lib/bk_fs.py as stored on the board: shrunk, every function in it."""
    return device_code.source("bk_fs").encode()


def version() -> str:
    """The version hash in the module's name: another source, another module."""
    return hashlib.sha256(module_source()).hexdigest()[:12]


def module_name() -> str:
    return "bkfs_" + version()


def identity(caps: Capabilities) -> tuple[str, tuple[int, ...], str, str, str]:
    """What lib/bk_fs.py's _bk_ident() returns on the board these capabilities describe."""
    return (caps.implementation, tuple(caps.version), caps.platform, caps.machine, caps.release)


def bootstrap(check: Capabilities | None) -> str:
    """Code run before a session's first call: import the module (from sys.modules or flash),
    put its functions in the REPL's globals; raise ImportError("bk:missing") if it is not
    there, ImportError("bk:board") if `check` (cached capabilities) is not this board."""
    name = module_name()
    lines = [
        "import sys,os",
        f"_bk_m=sys.modules.get({name!r})",
        "if not _bk_m:",
        f" sys.path.append({FOLDER!r})",
        " try:",
        f"  import {name} as _bk_m",
        " except Exception:",
        "  _bk_m=None",
        f" sys.path.remove({FOLDER!r})",
        "if not _bk_m:",
        f" raise ImportError({MISSING!r})",
        # kept in RAM only, the module is the dict its source ran in
        "_bk_g=_bk_m if type(_bk_m) is dict else {k:getattr(_bk_m,k) for k in dir(_bk_m)}",
    ]
    if check is not None:
        lines += [f"if _bk_g['_bk_ident']()!={identity(check)!r}:", f" raise ImportError({OTHER_BOARD!r})"]
    lines += [
        "for _bk_k in _bk_g:",
        " if _bk_k[:4]=='_bk_':globals()[_bk_k]=_bk_g[_bk_k]",
        "del _bk_m,_bk_g,_bk_k",
    ]
    return "\n".join(lines) + "\n"


def install_code(caps: Capabilities) -> str:
    """Code that writes the module to the board's flash (atomically, hash-checked) and removes
    other versions, from flash and from sys.modules. Compressed where the board has deflate."""
    source = module_source()
    name = module_name()
    final = f"{FOLDER}/{name}.py"
    tmp = final + ".tmp"
    if caps.deflate:
        packed = base64.b64encode(zlib.compress(source, 9))  # bytes: a frozen binascii.py takes no str
        load = (
            f"import deflate,io\ntry:\n import ubinascii as binascii\nexcept ImportError:\n import binascii\n"
            f"_s=deflate.DeflateIO(io.BytesIO(binascii.a2b_base64({packed!r})),deflate.ZLIB).read()\n"
        )
    else:
        load = f"_s={source!r}\n"
    digest = hashlib.sha256(source).digest()
    check = (
        "import os,sys,hashlib\n"
        + load
        + f"if hashlib.sha256(_s).digest()!={digest!r}:\n raise ValueError('bk: garbled')\n"
        + "_n=None\nfor _n in [k for k in sys.modules if k[:5]=='bkfs_']:\n del sys.modules[_n]\n"
    )
    if not on_flash(caps):
        return check + f"_d={{}}\nexec(_s.decode(),_d)\nsys.modules[{name!r}]=_d\ndel _s,_d,_n\n"
    return (
        check
        + f"try:\n os.mkdir({FOLDER!r})\nexcept OSError:\n pass\n"
        + f"for _n in os.listdir({FOLDER!r}):\n"
        + "  if _n[:5]=='bkfs_':\n"
        + f"   os.remove({FOLDER!r}+'/'+_n)\n"
        + f"_f=open({tmp!r},'wb')\n_f.write(_s)\n_f.close()\nos.rename({tmp!r},{final!r})\n"
        + "del _s,_f,_n\n"
    )


def clean_code() -> str:
    """Drop our names from the REPL's globals (the module's own _bk_clean would empty the module)."""
    return device_code.source("bk_clean")
