# requires: sys_maxsize
import sys
print(sys.maxsize > 2 ** 30 - 2, isinstance(sys.maxsize, int))
