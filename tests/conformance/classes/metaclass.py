# requires: metaclass
class Meta(type):
    def __new__(mcls, name, bases, ns):
        ns["made_by_meta"] = True
        return super().__new__(mcls, name, bases, ns)
class A(metaclass=Meta):
    pass
print(A.made_by_meta, isinstance(A, Meta))
