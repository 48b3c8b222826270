# requires: module:ctypes
# Reads address 0: the CPython process dies of a segmentation fault.
import ctypes

print("before")
ctypes.string_at(0)
