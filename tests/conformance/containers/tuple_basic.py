t = (1, "two", 3)
print(t, t[1], t[-1], len(t))
print((1,), (), tuple([1, 2]), tuple("ab"))
print(t + (4,), (0,) * 3, t[1:])
print(t.count(1), t.index(3))
a, b, c = t
print(a, b, c)
