# requires: time_ticks
# exp: ticks_ms/ticks_diff/ticks_add are MicroPython-only
import time
t0 = time.ticks_ms()
time.sleep_ms(5)
dt = time.ticks_diff(time.ticks_ms(), t0)
print(dt >= 4, dt < 1000)
print(time.ticks_diff(time.ticks_add(100, 50), 100))
print(time.ticks_diff(10, 20), isinstance(time.ticks_us(), int))
