print(max(3, 1, 2), min(3, 1, 2), max([4, 9]), min("zebra"))
print(max(["aa", "b", "ccc"], key=len), min([3, -5, 2], key=abs))
print(max((1, "b"), (1, "a")), min([[2], [1, 5]]))
try:
    max([])
except ValueError:
    print("ValueError")
