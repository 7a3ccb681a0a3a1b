"""Server-side SVG charts for the analytics pages, one file a kind of chart."""
