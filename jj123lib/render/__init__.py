"""Pages and pictures: escaped HTML, SVG charts, notebook HTML, PDF printing, xlsx exports."""
