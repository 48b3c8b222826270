class Suppress:
    def __init__(self, exc):
        self.exc = exc
    def __enter__(self):
        return self
    def __exit__(self, et, ev, tb):
        return et is not None and issubclass(et, self.exc)
with Suppress(KeyError):
    {}["missing"]
print("suppressed")
try:
    with Suppress(KeyError):
        [][0]
except IndexError:
    print("IndexError passed through")
