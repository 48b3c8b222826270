class Err(Exception):
    def __str__(self):
        return "custom message"
try:
    raise Err()
except Err as e:
    print(str(e))
