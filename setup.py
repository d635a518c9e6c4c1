"""Packaging beyond what pyproject.toml can say: the top-level `alembic/` folder ships inside
the package as `repairbook.migrations`, so `repairbook migrate` works from an installed
wheel or the Docker image without a second copy of the migrations."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages("src", include=["repairbook*"]),
        "repairbook.migrations",
        "repairbook.migrations.versions",
    ],
    package_dir={"": "src", "repairbook.migrations": "alembic"},
)
