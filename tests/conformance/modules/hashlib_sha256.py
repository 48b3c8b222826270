# requires: module:hashlib
import hashlib
def hx(b):
    return "".join("%02x" % x for x in b)
print(hx(hashlib.sha256(b"abc").digest()))
h = hashlib.sha256()
h.update(b"a")
h.update(b"bc")
d = h.digest()
print(hx(d) == hx(hashlib.sha256(b"abc").digest()), len(d))
