print("abc" < "abd", "abc" < "ab", "B" < "a", "" < "a")
print("x" == "x", "x" != "y", "abc" >= "abc")
print(sorted(["pear", "Apple", "banana", "apple"]))
print(max("hello"), min("hello"))
