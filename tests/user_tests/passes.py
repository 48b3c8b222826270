# A plain MicroPython-style test: it prints, CPython's output is the expected one.
total = 0
for n in range(10):
    total += n * n
print("sum of squares", total)
print(sorted({"b": 2, "a": 1}.items()))
print("-".join(str(x) for x in [1, 2, 3]))
