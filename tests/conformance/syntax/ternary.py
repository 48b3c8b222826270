for n in range(4):
    print(n, "even" if n % 2 == 0 else "odd")
x = None
y = x if x is not None else "default"
print(y)
print(1 if 0 else 2 if 0 else 3)
