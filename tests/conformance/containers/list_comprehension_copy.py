src = [[1], [2]]
shallow = [x for x in src]
deep = [list(x) for x in src]
src[0].append(9)
print(shallow, deep)
