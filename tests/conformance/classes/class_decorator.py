def add_tag(cls):
    cls.tag = "tagged"
    return cls
@add_tag
class Item:
    pass
print(Item.tag, Item().tag)
