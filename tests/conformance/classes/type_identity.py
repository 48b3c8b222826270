class A:
    pass
class B(A):
    pass
b = B()
print(type(b) is B, type(b) is A, type(b) == B, isinstance(b, (int, A)))
print(type(1) is int, type("") is str, type([]) is list)
