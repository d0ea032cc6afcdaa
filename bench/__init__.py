"""The benchmark of `make bench`: pages at 15 and 1 500 CPTS (run.py), the projet de santé
PDF (pdf.py), and the report of both (report.py). See bench/RESULTS.md."""
