i = 0
out = []
while i < 10:
    i += 1
    if i % 3:
        continue
    out.append(i)
print(out)
for c in "abcde":
    if c in "bd":
        continue
    print(c, end="")
print()
