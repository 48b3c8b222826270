for a, b in ((7, 2), (-7, 2), (7, -2), (-7, -2), (0, 3), (6, 3)):
    print(a, b, a // b, a % b, divmod(a, b))
