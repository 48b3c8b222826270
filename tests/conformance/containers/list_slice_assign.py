# requires: slice_assign
l = list(range(6))
l[1:3] = ["a", "b", "c"]
print(l)
l[:2] = []
print(l)
l[len(l):] = [99]
print(l)
del l[1:3]
print(l)
del l[:]
print(l)
