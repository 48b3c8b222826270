# requires: set
a = {1, 2}
print(a.issubset({1, 2, 3}), a.issuperset({1}), a.isdisjoint({3}))
print(a <= {1, 2}, a < {1, 2}, {1, 2, 3} > a, a == {2, 1})
a.update([3, 4])
c = a.copy()
c.pop()
print(len(a), len(c))
c.clear()
print(len(c))
