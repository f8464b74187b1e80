"""``python -m lightmed``: the ``lightmed`` console command (:mod:`lightmed.cli`)."""

from lightmed.cli import console

console()
