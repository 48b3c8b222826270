log = []
def src(n):
    for i in range(n):
        log.append("gen %d" % i)
        yield i
g = (v * 10 for v in src(3))
print(log)
print(next(g), log)
print(list(g), log)
