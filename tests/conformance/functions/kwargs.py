def f(**kw):
    return sorted(kw.items())
print(f(), f(a=1), f(b=2, a=1))
def g(a, b=2, *args, **kw):
    return a, b, args, sorted(kw)
print(g(1), g(1, 3, 4, 5, x=6, y=7))
