# requires: module:collections
try:
    from collections import defaultdict
except ImportError:
    defaultdict = None
if defaultdict is None:
    print("SKIP")
else:
    d = defaultdict(list)
    d["a"].append(1)
    d["a"].append(2)
    c = defaultdict(int)
    c["x"] += 5
    print(d["a"], c["x"], c["y"], "a" in d, "q" in d)
