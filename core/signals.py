"""Signals that tell the apps built on top that something they derive data from changed.

Talent and startups cannot import the apps that depend on them (matching), so their services
send these after a change, inside the changing transaction; a receiver that acts on them
(`matching.triggers` re-matches the one returnee, opening or startup) queues its work with
`transaction.on_commit`, so nothing happens for a change that is rolled back.

- `profile_changed(user_id)`: a returnee's profile or consent to matching changed;
- `opening_changed(opening_id)`: an opening was posted, changed, closed or reopened;
- `startup_changed(startup_id)`: a startup (its district, sector, stage, needs or founders)
  changed.
"""

from django.dispatch import Signal

profile_changed = Signal()
opening_changed = Signal()
startup_changed = Signal()
