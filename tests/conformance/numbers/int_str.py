print(str(123), repr(-45), str(0))
print(len(str(10 ** 6)), str(7) + str(8))
print("%d|%5d|%-5d|%05d" % (42, 42, 42, 42))
print("%+d %+d" % (5, -5))
