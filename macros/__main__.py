from .cli import main

# Guarded: processes that lay out PDFs in parallel import the main module again.
if __name__ == "__main__":
    raise SystemExit(main())
