# requires: sys_modules
import sys
print(isinstance(sys.modules, dict))
print(all(isinstance(k, str) for k in sys.modules))
