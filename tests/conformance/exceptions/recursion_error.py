# requires: recursion_20
def f():
    return f()
try:
    f()
except RuntimeError:
    print("RuntimeError")
print("recovered")
