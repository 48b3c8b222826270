# requires: match_stmt
def shape(p):
    match p:
        case (x, 0):
            return "on x axis at %d" % x
        case [x, y] if x == y:
            return "diagonal"
        case [x, *rest]:
            return "starts %d, %d more" % (x, len(rest))
        case {"k": v}:
            return "mapping %s" % v
    return "nothing"
for p in ((3, 0), [2, 2], [1, 5, 6], {"k": 7}, 5):
    print(shape(p))
