class Bag:
    def __init__(self, *items):
        self.items = items
    def __iter__(self):
        for it in self.items:
            yield it
b = Bag("x", "y")
print(list(b), list(b), "y" in b)
print(sorted(Bag(3, 1, 2)))
