"""Reports: a brief built from the records in scope, written as HTML, PDF and DOCX.

``document`` holds the format-neutral model every writer renders from.
"""
