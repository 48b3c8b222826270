# requires: str_title
print("hello big world".title(), "hELLO".capitalize(), "AbC".swapcase())
