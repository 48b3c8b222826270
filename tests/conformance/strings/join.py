print(",".join(["a", "b", "c"]))
print("".join(["x", "y"]), "-".join("abc"))
print(" ".join(str(n) for n in range(4)))
print("+".join([]))
try:
    ",".join([1, 2])
except TypeError:
    print("TypeError")
