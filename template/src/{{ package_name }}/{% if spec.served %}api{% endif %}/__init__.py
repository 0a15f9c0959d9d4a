"""What the application serves over HTTP: the probes, and each surface in a package of its own."""
