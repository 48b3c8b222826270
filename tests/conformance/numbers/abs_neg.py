print(abs(-5), abs(5), abs(0), abs(-0))
print(-(-7), -abs(-3))
print(max(-1, -2), min(-1, -2))
