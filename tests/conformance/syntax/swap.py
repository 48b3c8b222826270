a, b = 1, 2
a, b = b, a
print(a, b)
x, y, z = "xyz"
x, y, z = z, x, y
print(x, y, z)
l = [1, 2, 3]
l[0], l[2] = l[2], l[0]
print(l)
