# requires: slice_builtin
l = list(range(10))
s = slice(2, 8, 2)
print(l[s], l[slice(3)], l[slice(7, None)])
print(s.start, s.stop, s.step)
