# requires: sort_stable
recs = [("bob", 3), ("amy", 1), ("cat", 3), ("dan", 1), ("eve", 2), ("fay", 3)]
print([n for n, k in sorted(recs, key=lambda r: r[1])])
print([n for n, k in sorted(recs, key=lambda r: r[1], reverse=True)])
