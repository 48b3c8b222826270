def outer():
    x = 1
    def mid():
        def inner():
            nonlocal x
            x += 10
        inner()
        return x
    r = mid()
    return x, r
print(outer())
