# requires: set
s = {x % 4 for x in range(10)}
print(sorted(s))
print(sorted({c.lower() for c in "AaBbC"}))
