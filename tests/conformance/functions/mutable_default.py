def add(x, into=[]):
    into.append(x)
    return into
print(add(1), add(2))
def add2(x, into=None):
    if into is None:
        into = []
    into.append(x)
    return into
print(add2(1), add2(2))
