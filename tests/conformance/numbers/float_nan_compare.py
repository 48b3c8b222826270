# requires: float nan_compare
nan = float("nan")
print(nan == nan, nan != nan)
inf = float("inf")
print(inf - inf == inf - inf)
print([nan] == [nan] or True)
