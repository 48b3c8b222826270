# requires: recursion_20
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fact(10), [fib(i) for i in range(12)])
def flatten(l):
    out = []
    for x in l:
        out.extend(flatten(x) if isinstance(x, list) else [x])
    return out
print(flatten([1, [2, [3, [4]], 5]]))
