def f(*args):
    return len(args), args
print(f(), f(1), f(1, "a", None))
def g(first, *rest):
    return first, rest
print(g(1, 2, 3), g("x"))
print(isinstance(f()[1], tuple))
