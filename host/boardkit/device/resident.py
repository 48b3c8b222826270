"""boardkit's helpers kept on the board between sessions (boards with room and folders).

lib/bk_fs.py is stored on the board's flash as /.boardkit/bkfs_VERSION.py, VERSION a hash of
its shrunk source (on a small filesystem it is kept in RAM only, in sys.modules, until the
next soft reset). The first call of a session finds it in sys.modules (imported in an earlier session,
no soft reset since) and copies its functions into the REPL's globals, in the same exec:
no helper code crosses the link, about 200 bytes of bootstrap do. Not imported yet, the
host imports it from flash first; missing or of another version, the import fails with
"bk:missing", the host writes the module (removing other versions) and runs the call again.

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

from boardkit import device_code, paths
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
    space = caps.fs_space
    return space is not None and space[1] >= FLASH_TOTAL_MIN and space[0] >= FLASH_FREE_MIN


@functools.cache
def module_source() -> bytes:
    """lib/bk_fs.py as stored on the board: shrunk, every function in it."""
    return device_code.source("bk_fs").encode()


@functools.cache
def version() -> str:
    """The version hash in the module's name: another lib/bk_fs.py, another module. Taken
    from the file as it is (cheap: no parsing on a session that finds the module there)."""
    return hashlib.sha256((paths.device_lib_dir() / "bk_fs.py").read_bytes()).hexdigest()[:12]


def module_name() -> str:
    return "bkfs_" + version()


def identity(caps: Capabilities) -> tuple[str, tuple[int, ...], str, str, str]:
    """What lib/bk_fs.py's _bk_ident() returns on the board these capabilities describe."""
    return (caps.implementation, tuple(caps.version), caps.platform, caps.machine, caps.release)


def bootstrap(check: Capabilities | None) -> str:
    """Code run before a session's first call: the module, already imported (in sys.modules,
    as a module or, kept in RAM only, the dict its source ran in), puts its functions in the
    REPL's globals. KeyError when it is not imported: then import_code() goes first.
    ImportError("bk:board") when `check` (cached capabilities) is not this board."""
    ident = repr(identity(check)) if check is not None else "None"
    return (
        f"import sys,os\n_bk_m=sys.modules[{module_name()!r}]\n"
        f"(_bk_m['_bk_boot'] if type(_bk_m) is dict else _bk_m._bk_boot)(globals(),{ident})\n"
    )


def import_code() -> str:
    """Code that imports the module from the board's flash; ImportError("bk:missing") when it
    is not there (or does not import: a damaged copy is written again). __import__, not an
    import statement: the module's name must not be left in the user's REPL globals."""
    name = module_name()
    return (
        f"import sys\nsys.path.append({FOLDER!r})\n"
        f"try:\n __import__({name!r})\nexcept Exception:\n raise ImportError({MISSING!r})\n"
        f"finally:\n sys.path.remove({FOLDER!r})\n"
    )


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
        + import_code()
    )


def clean_code() -> str:
    """Drop our names from the REPL's globals (the module's own _bk_clean would empty the module)."""
    return "_bk_unboot(globals())"
