"""``python -m detector``: the same as the ``detector`` command."""

from .cli import app

app(prog_name="detector")
