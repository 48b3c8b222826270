s = "filename.py"
print(s.startswith("file"), s.startswith("name"), s.endswith(".py"), s.endswith(".txt"))
print("".startswith(""), "a".endswith(""), "ab".startswith("abc"))
