"""The office's workbench (``jj123 serve``): the quarter's pages as widgets in a Voilà notebook.

Widget builders only: every action calls the library function the command line calls.
"""
