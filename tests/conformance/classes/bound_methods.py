class Greeter:
    def __init__(self, who):
        self.who = who
    def hi(self):
        return "hi " + self.who
g = Greeter("ann")
m = g.hi
g.who = "bob"
print(m(), Greeter.hi(g))
fs = [Greeter(n).hi for n in "xy"]
print([f() for f in fs])
