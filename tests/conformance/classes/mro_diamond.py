# requires: c3_mro
class A:
    def hi(self):
        return "A"
class B(A):
    pass
class C(A):
    def hi(self):
        return "C"
class D(B, C):
    pass
print(D().hi())
