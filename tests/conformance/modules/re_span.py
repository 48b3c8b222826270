# requires: re_span
import re
m = re.search(r"(b+)", "aabbbc")
print(m.span(), m.start(), m.end(), m.span(1))
