cases = [
    (lambda: [1][5], IndexError, "IndexError"),
    (lambda: {}["x"], KeyError, "KeyError"),
    (lambda: 1 + "a", TypeError, "TypeError"),
    (lambda: int("q"), ValueError, "ValueError"),
    (lambda: undefined_name, NameError, "NameError"),
    (lambda: (1).nope, AttributeError, "AttributeError"),
    (lambda: 5 // 0, ZeroDivisionError, "ZeroDivisionError"),
]
for fn, exc, name in cases:
    try:
        fn()
    except exc:
        print(name)
