# requires: walrus
if (n := 10) > 5:
    print("n is", n)
data = [1, 2, 3, 4]
while (item := data.pop()) > 2:
    print("popped", item)
print(item, data)
print((y := 3) * y)
