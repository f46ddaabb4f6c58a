"""Text analytics of concerns: routing, near-duplicates, hot topics and priority.

Pure Python over lists of texts, no database: the platform, the command line and the
benchmarks all call the same functions.
"""
