# requires: object_new
class Single:
    _inst = None
    def __new__(cls):
        if cls._inst is None:
            cls._inst = object.__new__(cls)
        return cls._inst
a = Single()
b = Single()
print(a is b)
