print(str(12), str(-3), str(True), str(None), str([1, "a"]))
print(str("x"), str(), len(str()))
print(str((1,)), str({"k": 1}))
