def countdown(n):
    while n > 0:
        yield n
        n -= 1
print(list(countdown(4)))
g = countdown(2)
print(next(g), next(g))
try:
    next(g)
except StopIteration:
    print("StopIteration")
for v in countdown(0):
    print("never")
