# requires: func_attrs
def f():
    return f.count
f.count = 3
f.count += 1
print(f(), hasattr(f, "count"))
