# CPython reverses a str with a step slice; MicroPython's builds here do not support it.
print("start")
print("hello"[::-1])
