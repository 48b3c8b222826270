try:
    {}["k"]
except LookupError:
    print("LookupError first")
except KeyError:
    print("never")
try:
    [].pop()
except Exception:
    print("Exception catches IndexError")
