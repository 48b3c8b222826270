# requires: hashlib_md5
import hashlib
print("".join("%02x" % x for x in hashlib.md5(b"abc").digest()))
