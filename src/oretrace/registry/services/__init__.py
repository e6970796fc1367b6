"""Registry services: the only code that combines the domain packages with the database."""
