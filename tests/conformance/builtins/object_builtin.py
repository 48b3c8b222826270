a = object()
b = object()
print(a is b, a == b, a == a)
try:
    a.x = 1
except AttributeError:
    print("AttributeError")
