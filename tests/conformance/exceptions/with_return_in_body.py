class CM:
    def __enter__(self):
        return self
    def __exit__(self, *a):
        print("exit called")
def f():
    with CM():
        return "returned"
print(f())
for i in range(2):
    with CM():
        if i == 0:
            continue
        print("body", i)
