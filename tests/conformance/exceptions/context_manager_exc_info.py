class Spy:
    def __enter__(self):
        return self
    def __exit__(self, et, ev, tb):
        print(et is ValueError, isinstance(ev, ValueError), ev.args)
        return True
with Spy():
    raise ValueError("boom", 1)
print("after")
