i = 0
while i < 3:
    i += 1
else:
    print("finished", i)
j = 0
while True:
    j += 1
    if j == 4:
        break
else:
    print("never")
print("broke at", j)
