"""Documents made from the data: the Piano, the Relazione, monitoring reports.

A document is first built as a list of neutral blocks (``blocks.py``) from the
engine's values; the same blocks are then rendered to PDF (WeasyPrint) and to
DOCX (python-docx), so both formats say exactly the same thing. No Django.
"""
