r = range(3, 15, 4)
print(list(r), len(r), r[1], r[-1], 11 in r, 12 in r)
print(list(range(-3)), list(range(-1, -7, -2)))
try:
    range(1, 2, 0)
except ValueError:
    print("ValueError")
