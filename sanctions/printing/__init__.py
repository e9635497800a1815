"""Printing for every document: the template filters (`filters`), the one Jinja2 environment
and render function (`templates`), and the one HTML → PDF/A renderer (`pdf`)."""
