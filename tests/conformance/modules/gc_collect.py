import gc
junk = [[i] * 10 for i in range(50)]
del junk
r = gc.collect()
print("collected", r is None or isinstance(r, int))
