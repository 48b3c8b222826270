# requires: fstring
w = 6
p = 2
val = 12
print(f"[{val:{w}}] [{val:>{w}d}]")
print(f"[{'x':{'^'}{w}}]")
