# requires: set
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union([9])), sorted(a.intersection(b)), sorted(a.difference(b)))
print(sorted(a.symmetric_difference(b)))
