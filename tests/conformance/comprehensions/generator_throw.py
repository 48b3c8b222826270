def g():
    while True:
        try:
            yield "ok"
        except ValueError:
            yield "caught"
it = g()
print(next(it))
print(it.throw(ValueError))
print(next(it))
try:
    it.throw(KeyError)
except KeyError:
    print("KeyError escaped")
