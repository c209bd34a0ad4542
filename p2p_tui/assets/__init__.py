"""Files bundled with the package: the DejaVu Sans fonts of the PDF reports (see fonts/LICENSE-DejaVu.txt)."""
