# requires: vars
class A:
    pass
a = A()
a.k = 1
a.j = 2
print(sorted(vars(a).items()))
