s = "conformance suite"
print("form" in s, "xyz" in s, "" in s, " " in s)
print("a" not in "bcd")
