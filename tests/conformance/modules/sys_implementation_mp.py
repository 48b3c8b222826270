# requires: micropython
# exp: checks MicroPython's own sys.implementation
import sys
print(sys.implementation.name)
print(isinstance(sys.implementation.version, tuple), sys.implementation.version[0] >= 1)
