# requires: fstring
rows = [("apple", 3), ("kiwi", 12)]
for name, qty in rows:
    print(f"{name:<8}|{qty:>4}")
print(", ".join(f"{n}:{q}" for n, q in rows))
