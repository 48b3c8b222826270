for op in ("div", "floordiv", "mod"):
    try:
        if op == "div":
            1 / 0
        elif op == "floordiv":
            1 // 0
        else:
            1 % 0
    except ZeroDivisionError:
        print(op, "ZeroDivisionError")
