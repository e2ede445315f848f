"""Series, shifts and what each chart draws, read through core/db's public functions (no SQL here).

``series`` (step series, the one same-date averaging rule, shifts) feeds the charts: ``request``
(what is asked, no NumPy), ``chartdates``, ``colours``, ``traces``, ``annotations`` (events, source
line, hover text), one module per kind (``timeline``, ``profile``, ``comparison``, ``snapshot``) and
``chartdata``, the entry point that builds a request.
"""
