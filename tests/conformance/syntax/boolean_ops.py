print(1 and 2, 0 and 2, 1 or 2, 0 or 2)
print(None or "x", "" and "y")
print(not 0, not [1], not None)
def side(x):
    print("eval", x)
    return x
print(side(0) and side(1))
print(side(1) or side(2))
