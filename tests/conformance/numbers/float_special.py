# requires: float
inf = float("inf")
print(inf, -inf, inf > 10 ** 9, -inf < -(10 ** 9))
print(inf == inf, inf + 1 == inf, -inf < inf)
nan = float("nan")
print(nan < 1, nan > 1)
