def f():
    pass
class C:
    pass
print(f())
x = ...
print(x is Ellipsis)
if True:
    pass
print("done")
