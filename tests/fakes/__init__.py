"""Independent fakes of the vendors' APIs, written from their published references."""
