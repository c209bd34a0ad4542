"""The program's rules: plain Python, no Textual."""
