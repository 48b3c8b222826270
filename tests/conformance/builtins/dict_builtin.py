print(sorted(dict(a=1).items()), dict([(1, 2)]), dict({}))
print(len(dict(zip(range(3), "abc"))))
