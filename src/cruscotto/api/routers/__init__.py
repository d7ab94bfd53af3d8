"""The API's routes, one module per feature; v1.py mounts them."""
