# requires: set
s = {3, 1, 2, 3}
print(len(s), sorted(s), 2 in s, 5 in s)
s.add(5)
s.discard(1)
s.discard(100)
print(sorted(s))
s.remove(5)
try:
    s.remove(5)
except KeyError:
    print("KeyError")
print(sorted(set("hello")), len(set()))
