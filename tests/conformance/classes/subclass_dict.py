# requires: subclass_builtin
class Counter(dict):
    def add(self, k):
        self[k] = self.get(k, 0) + 1
c = Counter()
for ch in "abca":
    c.add(ch)
print(sorted(c.items()), len(c))
