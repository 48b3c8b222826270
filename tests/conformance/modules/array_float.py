# requires: module:array float
from array import array
f = array("f", [1.5, -2.25])
f.append(0.5)
print(list(f), len(f))
d = array("d", [0.125])
print(d[0])
