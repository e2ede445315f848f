"""Charts (pyqtgraph) drawn from the core's chart data; see docs/charts.md.

``QtChartPanel`` (panel.py) is what the main window embeds; ``export`` writes
PNG/SVG and copies to the clipboard; one module per chart kind.
"""
