def risky(n):
    if n == 0:
        return [][1]
    if n == 1:
        return {}["k"]
    return int("x")
for n in range(3):
    try:
        risky(n)
    except (IndexError, KeyError):
        print(n, "lookup")
    except ValueError:
        print(n, "value")
