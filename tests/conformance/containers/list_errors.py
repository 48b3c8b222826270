l = [1, 2]
for action in ("index", "pop", "remove", "get"):
    try:
        if action == "index":
            l.index(9)
        elif action == "pop":
            [].pop()
        elif action == "remove":
            l.remove(9)
        else:
            l[5]
    except ValueError:
        print(action, "ValueError")
    except IndexError:
        print(action, "IndexError")
