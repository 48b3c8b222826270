# requires: re_sub
import re
print(re.sub(r"\d+", lambda m: str(int(m.group(0)) * 2), "3 apples and 10 pears"))
