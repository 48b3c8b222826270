"""Run mpremote 1.29 with WASI errno numbers, so it can copy files to MicroPython's WebAssembly build.

That build reports the C library's WASI errno numbers ("OSError: 44" means ENOENT, 20 means
EEXIST), and mpremote only knows MicroPython's own numbering (where 20 is ENOTDIR), so its
"does this path exist?" and "folder already there" checks abort its `cp`. Swapping in the
WASI numbers is the whole change; how mpremote transfers files is untouched. Used by
bench_sync.py for wasm boards only.
"""

import errno
import sys

from mpremote import mp_errno
from mpremote.main import main

# WASI (wasi-libc) numbering of the errors a file copy meets.
mp_errno.MP_ERRNO_TABLE.update(
    {
        2: errno.EACCES,
        20: errno.EEXIST,
        28: errno.EINVAL,
        31: errno.EISDIR,
        44: errno.ENOENT,
        54: errno.ENOTDIR,
        55: errno.ENOTEMPTY,
    }
)

if __name__ == "__main__":
    sys.exit(main())
