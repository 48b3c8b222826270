# requires: re_sub
import re
print(re.sub(r"\d", "#", "a1b22c333"))
print(re.sub(r"(\w+)=(\w+)", r"\2=\1", "k=v x=y"))
print(re.sub("a", "b", "aaa", 2))
print(re.sub(r"\s+", " ", "too    many   spaces"))
