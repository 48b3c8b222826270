print(list(filter(lambda x: x % 2, range(10))))
print(list(map(str, [1, 2, 3])), list(map(lambda a, b: a * b, [1, 2], [3, 4])))
print(list(filter(None, [0, 1, False, True, "", "x"])))
print(list(map(abs, (-1, -2, 3))))
