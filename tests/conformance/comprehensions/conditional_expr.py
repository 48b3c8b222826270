print(["even" if n % 2 == 0 else "odd" for n in range(4)])
print([x if x > 0 else 0 for x in (-2, 5, -1, 3)])
print([a for a in range(20) if a % 2 if a % 3])
