for ch in "abc":
    print(ch, ord(ch))
print(list("hey"), tuple("no"))
print([c for c in "a1b2" if c.isdigit()])
