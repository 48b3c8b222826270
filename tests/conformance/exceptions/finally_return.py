def f():
    try:
        return "try"
    finally:
        print("finally runs")
print(f())
def g():
    try:
        raise ValueError
    finally:
        return "swallowed"
print(g())
def h():
    for i in range(3):
        try:
            if i == 1:
                break
        finally:
            print("fin", i)
    return i
print(h())
