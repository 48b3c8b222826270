class CM:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()
    def __exit__(self, et, ev, tb):
        print("exit", self.name, et is None)
        return False
with CM("a") as v:
    print("body", v)
with CM("x"), CM("y") as w:
    print("nested body", w)
