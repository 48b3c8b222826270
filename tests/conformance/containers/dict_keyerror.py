d = {"k": 1}
try:
    d["missing"]
except KeyError as e:
    print("KeyError", e.args[0])
try:
    d.pop("missing")
except KeyError:
    print("KeyError on pop")
try:
    del d["missing"]
except KeyError:
    print("KeyError on del")
