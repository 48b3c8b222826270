# requires: module:array
from array import array
a = array("i", [1, 2, 3])
a.append(4)
a.extend(array("i", [5, 6]))
print(len(a), a[0], a[-1], list(a), sum(a))
a[1] = 20
print(list(a[1:3]), a[1])
