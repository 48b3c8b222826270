# requires: hashlib_sha1
import hashlib
print("".join("%02x" % x for x in hashlib.sha1(b"abc").digest()))
