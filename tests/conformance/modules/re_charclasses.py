# requires: module:re
import re
tests = [(r"\d\d", "x42"), (r"\w+", "__ab9"), (r"[^a-c]+", "abcxyz"), (r"a.c", "a-c"),
         (r"colou?r", "color"), (r"(ab)+", "ababx"), (r"x|y", "zy"), (r"[0-9a-f]+", "zz3fa")]
for p, s in tests:
    m = re.search(p, s)
    print(p, m.group(0) if m else None)
