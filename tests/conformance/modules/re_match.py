# requires: module:re
import re
m = re.match(r"(\d+)-(\d+)", "12-345 rest")
print(m.group(0), m.group(1), m.group(2))
print(re.match("abc", "xabc"), re.match("x*", "abc").group(0) == "")
print(bool(re.match(r"[a-z]+$", "hello")), bool(re.match(r"[a-z]+$", "hello1")))
