"""python -m duban: the same as the duban command."""

from .cli import app

if __name__ == "__main__":  # not again in a worker process, which imports this module as __mp_main__
    app()
