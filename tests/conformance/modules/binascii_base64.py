# requires: module:binascii
import binascii
for s in (b"", b"f", b"fo", b"foo", b"foob"):
    e = binascii.b2a_base64(s)
    print(e, binascii.a2b_base64(e) == s)
