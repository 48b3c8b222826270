calls = []
def tag(label):
    def deco(fn):
        def w():
            calls.append(label)
            return "<%s>%s</%s>" % (label, fn(), label)
        return w
    return deco
@tag("b")
@tag("i")
def text():
    return "x"
print(text(), calls)
