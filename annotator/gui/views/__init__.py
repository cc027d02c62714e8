"""What paints a document and its spans: the view, the span painting, the display settings, the table model."""
