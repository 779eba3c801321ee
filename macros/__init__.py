"""The handbook engine: load -> validate & resolve -> render -> publish, one module per stage."""
