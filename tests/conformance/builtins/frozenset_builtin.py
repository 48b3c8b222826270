# requires: frozenset set
print(len(frozenset()), sorted(frozenset("aab")), frozenset([1]) == frozenset([1]))
