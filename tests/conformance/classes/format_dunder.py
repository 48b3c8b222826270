# requires: format_dunder format_builtin
class Temp:
    def __init__(self, c):
        self.c = c
    def __format__(self, spec):
        if spec == "F":
            return "%dF" % (self.c * 9 // 5 + 32)
        return "%dC" % self.c
t = Temp(100)
print("{} {:F}".format(t, t))
print(format(t, "F"))
