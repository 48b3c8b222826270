print("a b  c   d".split(None, 2))
print("  lead".split(), "trail  ".split(" "))
print("\ta\nb c\r\n".split())
