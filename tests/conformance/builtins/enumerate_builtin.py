print(list(enumerate("abc")))
print(list(enumerate(["x", "y"], 10)))
for i, (a, b) in enumerate([(1, 2), (3, 4)]):
    print(i, a + b)
e = enumerate([5])
print(next(e))
