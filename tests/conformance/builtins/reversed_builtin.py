print(list(reversed([1, 2, 3])), list(reversed("abc")), list(reversed((1, 2))))
print(list(reversed(range(4))), "".join(reversed("stressed")))
