print(isinstance(1, int), isinstance("s", str), isinstance([], list), isinstance((), tuple))
print(isinstance(1, (str, int)), isinstance(None, (str, list)), isinstance({}, dict))
class A:
    pass
class B(A):
    pass
print(isinstance(B(), A), isinstance(A(), B), issubclass(B, (int, A)), issubclass(A, A))
