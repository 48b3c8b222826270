class C:
    shared = []
    kind = "base"
c1, c2 = C(), C()
c1.shared.append(1)
c1.kind = "mine"
print(c2.shared, c1.kind, c2.kind, C.kind)
C.kind = "changed"
print(c1.kind, c2.kind)
