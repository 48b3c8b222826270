# requires: slice_builtin slice_indices
print(slice(1, 100).indices(10), slice(None, None, -1).indices(4))
