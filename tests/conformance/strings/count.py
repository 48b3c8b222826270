s = "banana"
print(s.count("a"), s.count("an"), s.count("x"), s.count("a", 2))
print("aaaa".count("aa"), "abc".count(""))
