# requires: heap>=64k
data = list(range(5000))
squares = [x * x for x in data]
print(len(squares), squares[-1], sum(squares) % 1000)
d = {i: str(i) for i in range(2000)}
print(len(d), d[1999])
