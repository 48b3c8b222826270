class Store:
    def __init__(self):
        self.d = {}
    def __setitem__(self, k, v):
        self.d[k] = v * 2
    def __getitem__(self, k):
        return self.d[k]
    def __delitem__(self, k):
        del self.d[k]
s = Store()
s["a"] = 5
s["b"] = 1
del s["b"]
print(s["a"], sorted(s.d))
