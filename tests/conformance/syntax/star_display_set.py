# requires: star_display set
print(sorted({*[3, 1], *(1, 2)}))
