"""Settings package: ``base`` (reads the environment), ``production`` (HTTPS hardening), ``test``."""
