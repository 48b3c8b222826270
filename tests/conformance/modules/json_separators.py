# requires: json_separators
import json
print(json.dumps([1, {"a": 2}], separators=(",", ":")))
print(json.dumps({"k": [1, 2]}, separators=(", ", " = ")))
