print([1, 2] + [3], [0] * 3, [] * 5, [[]] * 2)
l = [1]
l = l + [2]
l += (3, 4)
print(l)
try:
    [1] + (2,)
except TypeError:
    print("TypeError")
