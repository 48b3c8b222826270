# requires: re_counted
import re
print(re.match("a{2,3}", "aaaa").group(0), re.match(r"\d{3}", "12345").group(0))
print(re.match("b{2}", "b"))
