"""Packaging beyond what pyproject.toml can say: the top-level `alembic/` folder ships inside
the package as `repairbook.migrations`, so `repairbook migrate` works from an installed
wheel or the Docker image without a second copy of the migrations; and the built web app
(`web/dist`, made by `scripts/build-web` or the Dockerfile's Node stage) ships as
`repairbook/static/web`, where `repairbook.webapp` serves it from."""

import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

WEB_DIST = Path(__file__).parent / "web" / "dist"


class BuildWithWebApp(build_py):
    def run(self) -> None:
        super().run()
        if (WEB_DIST / "index.html").is_file():
            target = Path(self.build_lib) / "repairbook" / "static" / "web"
            shutil.copytree(WEB_DIST, target, dirs_exist_ok=True)


setup(
    packages=[
        *find_namespace_packages("src", include=["repairbook*"]),
        "repairbook.migrations",
        "repairbook.migrations.versions",
    ],
    package_dir={"": "src", "repairbook.migrations": "alembic"},
    cmdclass={"build_py": BuildWithWebApp},
)
