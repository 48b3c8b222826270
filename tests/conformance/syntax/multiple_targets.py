a = b = c = 7
print(a, b, c)
x = y = []
x.append(1)
print(y)
i, j = k = (3, 4)
print(i, j, k)
