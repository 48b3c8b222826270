print(list(range(5)), list(range(2, 6)), list(range(1, 10, 3)))
print(list(range(5, 0, -1)), list(range(0)), list(range(3, 1)))
print(len(range(10)), len(range(0, 10, 3)), range(10)[3], range(10)[-1])
print(3 in range(5), 7 in range(5), 4 in range(0, 10, 2), 5 in range(0, 10, 2))
