# Adding a tuple subclass to a tuple crashes MicroPython (wasm: memory access out of
# bounds, micro:bit: a hard fault); CPython prints the joined tuple.
class T(tuple):
    pass


print((1, 2) + T((3, 4)))
