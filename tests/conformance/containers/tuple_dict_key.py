d = {}
d[(1, 2)] = "a"
d[(1, 2)] = "b"
d[(2, 1)] = "c"
print(len(d), d[(1, 2)], sorted(d.items()))
try:
    d[[1, 2]] = 1
except TypeError:
    print("TypeError")
