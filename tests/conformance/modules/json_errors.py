# requires: module:json
import json
for bad in ("[1, 2", "{'a': 1}", "nope", ""):
    try:
        json.loads(bad)
        print("parsed?", bad)
    except ValueError:
        print("ValueError")
