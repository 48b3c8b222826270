# Sent first in every session that probes the board: a session that died (cable pulled)
# may have left boardkit's helpers in the REPL's globals, and a micro:bit has too little
# heap left to even parse the probe. Tiny on purpose.
_bk_k = None
for _bk_k in [k for k in globals() if k.startswith("_bk_") and k != "_bk_k"]:
    del globals()[_bk_k]
del _bk_k
import gc

gc.collect()
