class Empty:
    def __len__(self):
        return 0
class Flag:
    def __init__(self, v):
        self.v = v
    def __bool__(self):
        return self.v
class Plain:
    pass
print(bool(Empty()), bool(Flag(True)), bool(Flag(False)), bool(Plain()))
print("yes" if Flag(True) else "no", "yes" if Empty() else "no")
