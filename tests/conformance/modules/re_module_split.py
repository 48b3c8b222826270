# requires: re_module_split
import re
print(re.split(r"[,;]\s*", "a, b;c,d"))
