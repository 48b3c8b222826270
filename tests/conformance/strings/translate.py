# requires: str_translate
t = str.maketrans("abc", "xyz")
print("aabbcc".translate(t))
print("hello".translate(str.maketrans("", "", "l")))
