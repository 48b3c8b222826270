gv = 123
print("gv" in globals(), globals()["gv"])
globals()["made"] = 5
print(made)
