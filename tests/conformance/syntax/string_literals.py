a = 'single'
b = "double"
c = """triple
quoted"""
d = 'con' "cat" 'enation'
e = r'raw\n'
print(a, b)
print(c)
print(d)
print(e, len(e))
print('it\'s', "say \"hi\"")
print('' == "", len(''''''))
