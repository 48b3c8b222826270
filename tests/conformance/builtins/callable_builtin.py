class C:
    def m(self):
        pass
print(callable(len), callable(C), callable(C().m), callable(lambda: 0))
print(callable(1), callable("s"), callable(None), callable([]))
