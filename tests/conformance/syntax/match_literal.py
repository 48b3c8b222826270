# requires: match_stmt
def describe(x):
    match x:
        case 0:
            return "zero"
        case 1 | 2:
            return "small"
        case "hi":
            return "greeting"
        case _:
            return "other"
for v in (0, 2, "hi", 9):
    print(describe(v))
