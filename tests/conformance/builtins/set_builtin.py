# requires: set
print(len(set()), sorted(set([3, 3, 1])), sorted(set("aab")), sorted(set({"k": 1})))
