import time
time.sleep(0)
print("slept")
