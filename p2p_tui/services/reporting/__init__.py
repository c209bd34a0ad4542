"""What leaves the program: the quarterly summary, its suppression and formats, the board PDF and the
de-identified records."""
