print(abs(-3), abs(3), all([]), any([]))
print(all([1, "a", [0]]), all([1, 0]), any([0, "", None]), any([0, 2]))
print(all(x < 5 for x in range(5)), any(c == "z" for c in "abc"))
