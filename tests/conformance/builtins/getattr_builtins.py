class A:
    x = 1
a = A()
print(getattr(a, "x"), getattr(a, "nope", "fallback"), hasattr(a, "x"))
print(getattr("abc", "upper")(), getattr([], "nope", None))
setattr(a, "y", 2)
print(a.y, hasattr(A, "y"))
