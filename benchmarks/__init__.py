"""The benchmarks' figures and the settings and views of the web load benchmark."""
