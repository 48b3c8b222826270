a, b, c = 1, 2, 3
print(a < b < c, a < b > c, a == 1 < c)
print(1 <= 1 < 2 != 3)
x = 5
print(0 < x <= 5, 0 < x < 5)
calls = []
def v(n):
    calls.append(n)
    return n
print(v(3) < v(1) < v(2))
print(calls)
