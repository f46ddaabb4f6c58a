"""Small shared helpers: environment settings, Chinese text, statistics, documents."""
