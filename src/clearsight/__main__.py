"""``python -m clearsight``: the same command line as the ``clearsight`` script."""

from clearsight.cli import main

if __name__ == "__main__":
    main()
