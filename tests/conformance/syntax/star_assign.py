a, *b = [1, 2, 3, 4]
print(a, b)
*c, d = (1, 2, 3)
print(c, d)
e, *f, g = "hello"
print(e, f, g)
h, *i = [9]
print(h, i)
for first, *rest in [(1, 2, 3), (4,)]:
    print(first, rest)
