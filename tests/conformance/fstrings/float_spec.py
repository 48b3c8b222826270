# requires: fstring float
x = 3.14159
print(f"{x:.2f} {x:8.3f} {x:.1e}")
print(f"{x * 2:.1f} {1 / 4}")
