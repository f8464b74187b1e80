"""Helpers for the Snakemake rule files: input functions and ``params`` sub-blocks.

Kept out of the ``.smk`` files (snakemake --lint asks for rules and functions to live apart)
and importable, so they are unit-tested like the rest of the package. Each function takes the
validated config and returns exactly what one rule needs: a rule's ``params`` carry only the
config it depends on, so unrelated edits never rerun it.
"""
