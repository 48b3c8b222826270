# requires: module:array
from array import array
b = array("b", [-1, 127])
B = array("B", [255, 0])
h = array("H", [65535])
print(list(b), list(B), list(h))
print(len(bytes(array("h", [1, 2]))), bytes(array("B", [65, 66])))
