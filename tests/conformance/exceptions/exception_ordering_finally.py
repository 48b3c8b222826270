log = []
def f():
    try:
        log.append("try")
        raise KeyError
    except KeyError:
        log.append("except")
        return "r"
    finally:
        log.append("finally")
print(f(), log)
