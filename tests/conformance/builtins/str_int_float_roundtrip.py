for v in (0, 7, -12, 12345):
    print(int(str(v)) == v, str(int(str(v))))
print(str(10) + "0", int("1" * 5))
