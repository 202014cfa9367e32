"""Documents the service hands out: reports to enterprises (enterprise.py), foreign measures' impact reports
(graph/foreign_measures.py), evidence dossiers (dossier.py); each as JSON and as a PDF (pdf.py)."""
