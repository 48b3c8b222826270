calls = []
def make():
    calls.append(1)
    return len(calls)
def f(x=make()):
    return x
print(f(), f(), f(7), len(calls))
