def f(x):
    try:
        return 10 // x
    except:
        return "bare except"
print(f(5), f(0), f("a"))
try:
    raise KeyboardInterrupt
except Exception:
    print("wrong")
except BaseException:
    print("BaseException catches KeyboardInterrupt")
