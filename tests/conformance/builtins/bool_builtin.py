for v in (0, 1, -2, "", "0", [], [0], {}, {0: 0}, None, (), (None,)):
    print(repr(v), bool(v))
