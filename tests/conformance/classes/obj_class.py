# requires: obj_class
class A:
    pass
a = A()
print(a.__class__ is A, (5).__class__ is int)
