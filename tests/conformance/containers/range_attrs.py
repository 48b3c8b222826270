# requires: range_attrs
r = range(2, 20, 4)
print(r.start, r.stop, r.step, len(r))
