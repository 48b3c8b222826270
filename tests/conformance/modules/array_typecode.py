# requires: module:array array_typecode
from array import array
print(array("i").typecode, array("B", [1]).itemsize)
