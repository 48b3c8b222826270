def f():
    try:
        raise KeyError("k")
    except KeyError:
        print("handling")
        raise
try:
    f()
except KeyError as e:
    print("re-raised", e.args)
