# requires: module:re
import re
m = re.search(r"o(\w)", "hello world")
print(m.group(0), m.group(1))
print(re.search(r"\s+", "a   b").group(0) == "   ", re.search("z", "abc"))
print(re.search(r"^b", "ab"), re.search(r"b$", "ab").group(0))
