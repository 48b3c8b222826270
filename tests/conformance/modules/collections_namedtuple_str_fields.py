# requires: namedtuple_str_fields
from collections import namedtuple
Rec = namedtuple("Rec", "name age")
r = Rec("ann", 30)
print(r.name, r.age, r)
try:
    r.age = 31
except AttributeError:
    print("AttributeError")
