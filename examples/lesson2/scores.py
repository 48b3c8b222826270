# Lesson 2: a scoreboard. Written on a laptop with Python 3.11 -- does it run on the class's boards?
# `boardkit check examples/lesson2 --target microbit` answers before thirty pupils find out.
import json

scores = {"ada": 12, "grace": 9, "alan": 15}


def best(table):
    name = max(table, key=lambda n: table[n])
    return name, table[name]


name, points = best(scores)
print(f"winner: {name} with {points} points")      # f-strings: not on MicroPython 1.9
print("average:", sum(scores.values()) / len(scores))
print("backwards:", name[::-1])                     # a step slice on a str: not on MicroPython
if (total := sum(scores.values())) > 30:            # the walrus operator
    print("a high-scoring class:", total)
print(json.dumps(sorted(scores)))
