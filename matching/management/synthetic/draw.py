"""Drawing from weighted lists, reproducibly from a seeded `random.Random`."""

import bisect
import itertools
import random
from collections.abc import Sequence


class Pick:
    """Draws one of `items`, the first ones more often: weight 1 / rank**exponent (Zipf),
    or the `weights` given."""

    def __init__(self, items: Sequence, exponent: float = 1.0, weights: Sequence | None = None):
        if not items:
            raise ValueError("Nothing to draw from.")
        self.items = list(items)
        weights = weights or [1 / (rank + 1) ** exponent for rank in range(len(items))]
        self.cumulative = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random):
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]

    def distinct(self, rng: random.Random, count: int) -> list:
        """Up to `count` different items."""
        chosen: dict = {}
        for _attempt in range(count * 8):
            if len(chosen) >= count:
                break
            chosen[self(rng)] = None
        return list(chosen)


def weighted(items: Sequence, weights: dict, default: float = 3.0, key=lambda item: item) -> Pick:
    return Pick(items, weights=[weights.get(key(item), default) for item in items])
