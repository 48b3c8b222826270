print(int(), int(7), int(-7), int("10"), int("10", 2), int("10", 8), int("10", 16))
print(int(" 99 "), int(True), int("-0"))
try:
    int("10", 1)
except ValueError:
    print("ValueError")
