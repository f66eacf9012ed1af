"""prefect1-migrate: upgrade a git repository from Prefect 0.x to Prefect 1.0."""

__version__ = "0.1.0"
