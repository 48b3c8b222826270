# requires: binascii_crc32
import binascii
print(binascii.crc32(b"hello"), binascii.crc32(b""), binascii.crc32(b"lo", binascii.crc32(b"hel")))
