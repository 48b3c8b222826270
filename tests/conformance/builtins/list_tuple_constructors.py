print(list(), list("ab"), list((1, 2)), list(range(3)), list({"k": 1}))
print(tuple(), tuple([1]), tuple("xy"))
l = [1]
print(list(l) is l, list(l) == l)
