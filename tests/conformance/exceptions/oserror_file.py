try:
    open("/definitely/not/here.txt")
except OSError as e:
    print("OSError", len(e.args) > 0)
