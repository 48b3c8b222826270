# requires: unicode
s = "h\u00e9llo w\u00f6rld"
print(len(s), s[1], s[7:], s.upper() == "H\u00e9LLO W\u00f6RLD" or s.upper() == "H\u00c9LLO W\u00d6RLD")
print(ord("\u00e9"), chr(233) == "\u00e9", "\u00e9" in s)
parts = s.split(" ")
print(s.find("w"), len(parts), parts[1])
