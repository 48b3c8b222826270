print(int("42"), int("-17"), int("  8  "), int("+3"))
print(int("ff", 16), int("FF", 16), int("777", 8), int("1011", 2))
print(int("z", 36), int("0x1f", 16), int("0b11", 0), int("0o17", 0))
for bad in ("", "1.5", "abc", "12a"):
    try:
        int(bad)
    except ValueError:
        print("ValueError", repr(bad))
