# requires: micropython_schedule
# exp: micropython.schedule exists only on MicroPython
import micropython
got = []
def cb(arg):
    got.append(arg)
micropython.schedule(cb, 7)
for i in range(1000):
    if got:
        break
print(got)
