# requires: float
d = {1: "int"}
d[1.0] = "float"
print(len(d), d[1])
print(hash(1) == hash(1.0), hash(True) == hash(1))
