def multipliers():
    out = []
    for k in range(3):
        def m(x, k=k):
            return x * k
        out.append(m)
    return out
print([m(10) for m in multipliers()])
def adder(n):
    return lambda x: x + n
add5 = adder(5)
print(add5(1), adder(-1)(1))
