def inner(a, b=0, **rest):
    return a + b + sum(rest.values())
def outer(*args, **kwargs):
    return inner(*args, **kwargs)
print(outer(1), outer(1, 2), outer(1, b=5, c=10, d=100))
