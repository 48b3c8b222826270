# requires: init_subclass
class Plugin:
    registry = []
    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        Plugin.registry.append(cls)
class A(Plugin):
    pass
class B(Plugin):
    pass
print(len(Plugin.registry), Plugin.registry[1] is B)
