# requires: type_name
class Widget:
    pass
class Gadget(Widget):
    pass
print(Widget.__name__, type(Gadget()).__name__)
