print(sum([1, 2, 3]), sum([]), sum(range(101)), sum([1, 2], 10))
print(sum([[1], [2, 3]], []), sum((x for x in range(4))))
