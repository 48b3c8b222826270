class CountCalls:
    def __init__(self, fn):
        self.fn = fn
        self.calls = 0
    def __call__(self, *args):
        self.calls += 1
        return self.fn(*args)
@CountCalls
def sq(x):
    return x * x
print(sq(3), sq(4), sq.calls)
