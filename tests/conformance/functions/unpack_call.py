def f(a, b, c):
    return a * 100 + b * 10 + c
args = [1, 2, 3]
print(f(*args), f(*"123" and (4, 5, 6)))
kw = {"b": 7, "c": 8}
print(f(1, **kw), f(**{"a": 9, "b": 0, "c": 1}))
print(f(1, *[2, 3]), f(*[1], **{"c": 5, "b": 4}))
