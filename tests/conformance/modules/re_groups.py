# requires: re_groups
import re
m = re.match(r"(\w+)@(\w+)\.(\w+)", "user@host.org")
print(m.groups())
print(re.match(r"(a)(b)?", "a").groups())
