# requires: micropython_heap_lock
# exp: heap locking exists only on MicroPython
import micropython
micropython.heap_lock()
try:
    x = [1, 2, 3]
    print("allocated")
except MemoryError:
    print("MemoryError")
micropython.heap_unlock()
print("unlocked", len([0] * 4))
