class Walker:
    def walk(self):
        return "walk"
    def name(self):
        return "walker"
class Swimmer:
    def swim(self):
        return "swim"
    def name(self):
        return "swimmer"
class Duck(Walker, Swimmer):
    pass
d = Duck()
print(d.walk(), d.swim(), d.name())
print(isinstance(d, Swimmer), isinstance(d, Walker))
