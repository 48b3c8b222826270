class T:
    def plain(x):
        return x + 1
    s = staticmethod(plain)
    c = classmethod(lambda cls: cls)
print(T.s(1), T().s(2), T.c() is T, T().c() is T)
