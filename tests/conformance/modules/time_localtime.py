# requires: time_localtime
import time
lt = time.localtime()
print(len(tuple(lt)) >= 8, 1 <= lt[1] <= 12, 1 <= lt[2] <= 31)
