d = {"x": 3, "y": 1, "z": 2}
for k in sorted(d):
    print(k, d[k])
for k, v in sorted(d.items(), key=lambda kv: kv[1]):
    print(v, k)
print(sum(d.values()), sorted(list(d)))
