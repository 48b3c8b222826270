# requires: range_slice
r = range(20)
print(list(r[5:10]), list(r[::5]), list(r[-3:]))
