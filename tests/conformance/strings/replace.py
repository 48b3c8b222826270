s = "one two one two"
print(s.replace("one", "1"))
print(s.replace("two", "2", 1))
print(s.replace("x", "y"), "aaa".replace("a", "bb"))
print("abc".replace("", "-") if False else "skip-empty")
