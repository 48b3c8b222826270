# requires: time_time
import time
t = time.time()
print(t > 0)
print(time.time() >= t)
