"""Synthetic data at city scale: `manage.py generate_synthetic` and the benchmark use it."""
