"""Exchange formats, one module each: JSON set, CSV set, documents (articles and seeds)."""
