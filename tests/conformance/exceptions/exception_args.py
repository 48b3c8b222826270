e = ValueError("a", 2)
print(e.args, len(e.args))
print(ValueError().args, str(ValueError("msg")), str(KeyError("k")) if False else "ok")
try:
    raise IndexError("idx", 5)
except IndexError as err:
    print(err.args[1])
