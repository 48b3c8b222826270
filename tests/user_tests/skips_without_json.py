try:
    import json
except ImportError:
    print("SKIP")
    raise SystemExit
print(json.dumps({"a": [1, 2]}))
