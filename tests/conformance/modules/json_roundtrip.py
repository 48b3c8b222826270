# requires: module:json
import json
data = {"n": 1, "l": [1, 2, [3]], "s": "text", "f": False, "z": None}
back = json.loads(json.dumps(data))
print(back == data, sorted(back))
print(json.loads(json.dumps("tab\there")) == "tab\there")
