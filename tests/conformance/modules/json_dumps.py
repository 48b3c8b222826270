# requires: module:json float
import json
print(json.dumps([1, "two", 3.5, True, False, None]))
print(json.dumps({"key": [1, 2]}), json.dumps("quote\"and\\slash"))
print(json.dumps([]), json.dumps({}), json.dumps(""), json.dumps(-7))
print(json.dumps([[1], {"a": {"b": None}}]))
