"""The offline HTML dashboard: one self-contained file built from the marts.

``data`` reads the marts (every number on the page comes from one of its datasets, each with
the SQL that produced it), ``figures`` turns them into Plotly figures, ``page`` writes the HTML
with plotly.js, the figures and the datasets inlined: no network is needed to view it.
"""
