# requires: module:json float
import json
print(json.loads("[1, 2.5, \"x\", true, false, null]"))
d = json.loads('{"b": [1, {"c": 2}], "a": "s"}')
print(sorted(d), d["b"][1]["c"], d["a"])
print(json.loads("  42 "), json.loads('"esc\\n\\"q\\""'))
print(json.loads("-1.5e2"), json.loads("{}"))
