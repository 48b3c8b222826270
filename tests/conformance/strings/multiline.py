text = """line one
  line two
line three"""
lines = text.split("\n")
print(len(lines))
for l in lines:
    print("[" + l.strip() + "]")
