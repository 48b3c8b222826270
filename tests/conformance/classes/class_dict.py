# requires: class_dict
class A:
    pass
a = A()
a.x = 1
a.y = 2
print(sorted(a.__dict__.items()))
