l = ["a", "b", "c", "b"]
print("b" in l, "z" in l, l.index("b"), l.index("b", 2))
print(l.count("b"), [1, [2]].count([2]))
print(len([]), len([None]), bool([]), bool([0]))
