# requires: sys_argv
import sys
print(isinstance(sys.argv, list), isinstance(sys.path, list))
print(all(isinstance(p, str) for p in sys.path))
