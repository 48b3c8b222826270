x = 5
del x
try:
    x
except NameError:
    print("NameError")
l = [1, 2, 3, 4]
del l[0]
print(l)
d = {"a": 1, "b": 2}
del d["a"]
print(d)
class A:
    pass
a = A()
a.v = 1
del a.v
print(hasattr(a, "v"))
