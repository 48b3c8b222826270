sq = lambda x: x * x
add = lambda a, b=1: a + b
print(sq(4), add(2), add(2, 3))
print((lambda: "no args")())
print(list(map(lambda t: t[1], [(1, "a"), (2, "b")])))
