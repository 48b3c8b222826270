counter = 0
def bump(n=1):
    global counter
    counter += n
    return counter
bump(); bump(5)
print(counter)
def no_global():
    counter = 100
    return counter
print(no_global(), counter)
