# requires: module:json unicode
import json
s = json.loads('"caf\\u00e9"')
print(len(s), s == "caf\u00e9")
print(json.loads(json.dumps("\u00e9\u00e8")) == "\u00e9\u00e8")
