"""Models of the implementation app."""
