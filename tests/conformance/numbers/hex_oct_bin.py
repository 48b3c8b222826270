for n in (0, 5, 255, -10, 4096):
    print(hex(n), oct(n), bin(n))
print("%x %X %o %#x %#o" % (255, 255, 8, 255, 8))
