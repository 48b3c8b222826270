it = iter([10, 20, 30])
print(next(it), list(it))
s = iter("xy")
print(next(s), next(s))
d = {"a": 1}
print(list(iter(d)), list(iter(())))
print(iter(it) is it)
