a = [1, [2, 3]]
b = a
c = a[:]
d = list(a)
e = a.copy()
a.append(4)
a[1].append(5)
print(b, c, d, e)
print(b is a, c is a, c == a)
