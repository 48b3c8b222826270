# requires: module:micropython
# exp: the micropython module exists only on MicroPython
from micropython import const
X = const(10)
_Y = const(2 * 3)
print(X, _Y, X + _Y)
