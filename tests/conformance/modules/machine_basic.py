# requires: module:machine
# exp: the machine module exists only on MicroPython ports with hardware
import machine
print(callable(machine.reset), callable(machine.freq))
f = machine.freq()
print(isinstance(f, int) and f > 0 or isinstance(f, tuple))
uid = machine.unique_id()
print(isinstance(uid, bytes), len(uid) > 0)
