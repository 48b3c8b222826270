pairs = [(1, "one"), (3, "three"), (2, "two")]
print(sorted(pairs, key=lambda p: p[1]))
print(list(filter(lambda p: p[0] > 1, pairs)))
compose = lambda f, g: lambda x: f(g(x))
print(compose(lambda x: x + 1, lambda x: x * 2)(5))
print((lambda *a, **k: (a, sorted(k)))(1, z=2))
