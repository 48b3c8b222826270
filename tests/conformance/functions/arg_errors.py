def f(a, b=1):
    return a + b
for call in ("missing", "extra", "dup", "unknown"):
    try:
        if call == "missing":
            f()
        elif call == "extra":
            f(1, 2, 3)
        elif call == "dup":
            f(1, a=2)
        else:
            f(1, z=2)
    except TypeError:
        print(call, "TypeError")
