# requires: module:re
import re
pat = re.compile(r"([A-Z])(\w*)")
for word in ("Hello", "world", "X"):
    m = pat.match(word)
    print(word, m.group(1) + "|" + m.group(2) if m else None)
print(pat.search("abc Def").group(0))
