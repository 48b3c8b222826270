# requires: module:micropython
# exp: the micropython module exists only on MicroPython
import micropython
lvl = micropython.opt_level()
print(isinstance(lvl, int), 0 <= lvl <= 3)
