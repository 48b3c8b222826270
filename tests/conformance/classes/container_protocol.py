class Seq:
    def __init__(self, n):
        self.n = n
    def __len__(self):
        return self.n
    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError
        return i * i
    def __contains__(self, v):
        return v == "magic"
s = Seq(4)
print(len(s), s[2], list(s), "magic" in s, 4 in s)
