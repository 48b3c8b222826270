def add(a, b):
    return a + b
def sub(a, b):
    return a - b
ops = {"+": add, "-": sub}
print(ops["+"](2, 3), ops["-"](2, 3))
def apply(f, *args):
    return f(*args)
print(apply(max, 3, 9, 2), apply(len, "abc"))
f = add
print(f is add, f(1, 1))
