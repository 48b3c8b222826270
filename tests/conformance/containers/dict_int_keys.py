d = {i * i: i for i in range(6)}
print(sorted(d), d[16], 3 in d, 4 in d)
d[True] = "t"
print(d[1], len(d))
