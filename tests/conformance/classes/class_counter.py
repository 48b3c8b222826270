class Thing:
    count = 0
    def __init__(self):
        Thing.count += 1
        self.id = Thing.count
things = [Thing() for _ in range(3)]
print(Thing.count, [t.id for t in things])
