print(divmod(20, 6), divmod(-20, 6), divmod(20, -6), divmod(0, 5))
