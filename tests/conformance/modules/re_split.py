# requires: re_split
import re
print(re.compile(r"[,;]\s*").split("a, b;c,d"))
print(re.compile(r"\s+").split("one two   three"))
print(re.compile(",").split("a,b,c", 1))
