# requires: func_name
def alpha():
    pass
beta = alpha
print(alpha.__name__, beta.__name__)
