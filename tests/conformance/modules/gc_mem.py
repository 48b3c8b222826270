# requires: gc_mem bytearray
# exp: gc.mem_free/mem_alloc exist only on MicroPython
import gc
gc.collect()
before = gc.mem_free()
big = bytearray(2000)
print(gc.mem_free() < before, gc.mem_alloc() > 0)
del big
gc.collect()
print(gc.mem_free() > 0)
