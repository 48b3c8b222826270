# requires: module:binascii
import binascii
print(binascii.hexlify(b"\x00\x7f\xff"), binascii.unhexlify(b"414243"))
print(binascii.unhexlify("6869"), binascii.hexlify(b""))
