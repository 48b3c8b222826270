def f(x):
    try:
        r = 10 // x
    except ZeroDivisionError:
        print("except")
        r = None
    else:
        print("else")
    finally:
        print("finally")
    return r
print(f(2))
print(f(0))
