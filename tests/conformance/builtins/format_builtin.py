# requires: format_builtin
print(format(5, "03d"), format("x", ">3"), format(255, "x"), format(10, "b"))
print(format("abc"), format(123), format(7, "<4") + "|")
