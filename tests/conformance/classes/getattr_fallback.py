class Proxy:
    def __init__(self):
        self.real = "real"
    def __getattr__(self, name):
        return "virtual " + name
p = Proxy()
print(p.real, p.anything, getattr(p, "other"))
