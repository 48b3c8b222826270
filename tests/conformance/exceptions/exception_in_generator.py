def gen():
    yield 1
    raise RuntimeError("gen failed")
out = []
try:
    for v in gen():
        out.append(v)
except RuntimeError as e:
    print("caught", e.args[0], out)
