class Animal:
    def __init__(self, name):
        self.name = name
    def speak(self):
        return self.name + " makes a sound"
    def describe(self):
        return "I am " + self.name + ": " + self.speak()
class Dog(Animal):
    def speak(self):
        return self.name + " barks"
print(Animal("x").describe())
print(Dog("rex").describe())
print(isinstance(Dog("a"), Animal), issubclass(Dog, Animal), issubclass(Animal, Dog))
