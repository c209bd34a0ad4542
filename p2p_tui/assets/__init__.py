"""Files shipped with the package: the DejaVu Sans fonts the PDFs embed (Bitstream Vera licence, in
fonts/LICENSE-DejaVu.txt), so every name and dash prints as typed on any machine."""
