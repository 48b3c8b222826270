# requires: heap>=64k
parts = ["item%d" % i for i in range(3000)]
s = ",".join(parts)
print(len(s), s[:20], s.count(","))
print(len(s.split(",")), s.rfind("item2999"))
