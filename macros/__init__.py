"""The handbook engine: load -> validate & resolve -> render -> publish, one module per stage."""

import os

# The engine uses no pydantic plugins; looking for them reads every installed package's entry
# points when the first model is built (about a tenth of a 1x `check`). Set before any stage
# imports pydantic; an operator's own setting wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
