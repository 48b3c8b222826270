# requires: module:re
import re
print(re.match(r"\.\*\+", ".*+x").group(0))
print(re.match(r"\(\d\)", "(5)").group(0))
print(re.search(r"\\", "a\\b") is not None)
