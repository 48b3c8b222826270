class Money:
    def __init__(self, c):
        self.c = c
    def __str__(self):
        return "$%d.%02d" % (self.c // 100, self.c % 100)
    def __repr__(self):
        return "Money(%d)" % self.c
m = Money(1234)
print(m, str(m), repr(m))
print([m], "%s %r" % (m, m), "{}".format(m))
