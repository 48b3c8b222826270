print(str(b"ab", "utf-8"), bytes("cd", "ascii"), bytes("", "utf-8"))
print(len(bytes("xyz", "utf-8")))
