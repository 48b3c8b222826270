def check(x):
    assert x > 0, "must be positive"
    return x
print(check(3))
try:
    check(-1)
except AssertionError as e:
    print("AssertionError", e.args[0])
