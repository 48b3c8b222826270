# requires: module:json module:io
import json, io
buf = io.StringIO()
json.dump([1, "a"], buf)
print(buf.getvalue())
print(json.load(io.StringIO('{"x": 5}'))["x"])
