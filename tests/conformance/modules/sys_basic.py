import sys
print(sys.version_info[0], sys.version_info >= (3, 4))
print(sys.implementation.name in ("cpython", "micropython"))
print(sys.byteorder in ("little", "big"))
print(isinstance(sys.platform, str), isinstance(sys.version, str))
