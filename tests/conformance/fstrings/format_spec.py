# requires: fstring
n = 42
s = "ab"
print(f"[{n:5d}] [{n:<5}] [{n:^6}] [{n:05}]")
print(f"{n:x} {n:X} {n:o} {n:b} {n:#x}")
print(f"[{s:>4}] [{s:*<4}]")
