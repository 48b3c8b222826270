def find(seq, x):
    for i, v in enumerate(seq):
        if v == x:
            print("found at", i)
            break
    else:
        print("not found")

find([4, 5, 6], 5)
find([4, 5, 6], 9)
for k in []:
    print("no")
else:
    print("empty loop else")
