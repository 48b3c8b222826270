# requires: startswith_range
s = "filename.py"
print(s.startswith("name", 4), s.endswith("file", 0, 4), s.startswith("e", 3, 4))
