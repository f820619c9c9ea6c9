"""``python -m detector``: the same as the ``detector`` command."""

from detector.cli import app

app(prog_name="detector")
