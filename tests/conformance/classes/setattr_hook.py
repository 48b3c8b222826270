# requires: setattr_hook
class Logged:
    def __setattr__(self, k, v):
        print("set", k, v)
        object.__setattr__(self, k, v)
l = Logged()
l.a = 1
print(l.a)
