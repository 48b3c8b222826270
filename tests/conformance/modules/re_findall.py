# requires: re_findall
import re
print(re.findall(r"\d+", "a1 b22 c333"))
print(re.findall(r"(\w)=(\d)", "a=1 b=2"))
print([m.group(0) for m in re.finditer(r"[A-Z]", "aBcDe")])
