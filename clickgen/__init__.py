"""A synthetic clickstream in the REES46 format that behaves like the real shop, at any size.

The data is made the way the shop makes it, not row by row: a catalogue (a category tree, brands with a
heavy-tailed popularity and a price level, products whose price drifts: `catalogue`, from the CSV files in
`data/`), a population of users whose activity is very unequal (`users`), sessions that users open through the
day (`timeline`, `sessions`), and the events of each session (views, sometimes a cart, sometimes a purchase),
written as the real file's rows (`rows`, `generator`). docs/data.md explains each choice and compares the result
with the real profile. The command line is `ingest generate`.
"""

import os

# The generator does no linear algebra, but NumPy's OpenBLAS starts a worker thread per core when imported, which
# spins for about 0.1 CPU-s before it sleeps: a tenth of a small run's CPU, taken from the other core. One thread
# is none started. Only if NumPy is not imported yet (else too late) and the variable is not set already.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from clickgen.generator import OCTOBER_EVENTS, default_days, generate  # noqa: E402

__all__ = ["OCTOBER_EVENTS", "default_days", "generate"]
