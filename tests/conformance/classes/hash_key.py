class K:
    def __init__(self, k):
        self.k = k
    def __eq__(self, o):
        return isinstance(o, K) and self.k == o.k
    def __hash__(self):
        return hash(self.k)
d = {K("a"): 1}
d[K("a")] = 2
d[K("b")] = 3
print(len(d), d[K("a")], K("b") in d)
