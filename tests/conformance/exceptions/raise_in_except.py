try:
    try:
        1 // 0
    except ZeroDivisionError:
        raise ValueError("converted")
except ValueError as e:
    print("ValueError", e.args[0])
