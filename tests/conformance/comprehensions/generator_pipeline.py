def numbers():
    n = 0
    while True:
        yield n
        n += 1
def evens(src):
    for x in src:
        if x % 2 == 0:
            yield x
def take(src, k):
    for x in src:
        if k <= 0:
            return
        k -= 1
        yield x
print(list(take(evens(numbers()), 5)))
