# requires: type3
Pt = type("Pt", (object,), {"x": 1, "double": lambda self: self.x * 2})
p = Pt()
print(p.x, p.double())
