# requires: collections_defaultdict
from collections import defaultdict
d = defaultdict(list)
for k, v in [("a", 1), ("b", 2), ("a", 3)]:
    d[k].append(v)
print(sorted(d.items()))
c = defaultdict(int)
for ch in "banana":
    c[ch] += 1
print(sorted(c.items()))
