print(sorted(dict(a=1, b=2).items()))
print(sorted(dict([("x", 1), ("y", 2)]).items()))
print(sorted(dict(zip("ab", [1, 2])).items()))
print(dict(), len(dict({1: 2}, k=3)))
