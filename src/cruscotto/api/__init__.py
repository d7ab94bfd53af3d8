"""The REST API (/api/v1): the same data and rules as the pages, for other systems."""
