names = ["a", "b", "c"]
vals = [1, 2, 3]
print([n * v for n, v in zip(names, vals)])
print(["%d:%s" % (i, n) for i, n in enumerate(names, 1)])
print(dict((n, i) for i, n in enumerate(names))["c"])
