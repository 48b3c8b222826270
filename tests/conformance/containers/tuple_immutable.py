t = (1, [2])
try:
    t[0] = 9
except TypeError:
    print("TypeError")
t[1].append(3)
print(t)
print((1, 2) < (1, 3), (1, 2) == (1, 2), (2,) > (1, 5))
