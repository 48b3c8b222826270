# requires: descriptors
class Upper:
    def __get__(self, obj, typ=None):
        return obj._v.upper()
    def __set__(self, obj, v):
        obj._v = v
class T:
    name = Upper()
t = T()
t.name = "abc"
print(t.name, t._v)
