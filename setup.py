"""Compile the gettext catalogues as part of every install (regular and editable).

Everything else about the project is in pyproject.toml; this file only adds the
step that turns `playground/i18n/locale/*/LC_MESSAGES/*.po` into `.mo` files.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path(__file__).parent / "playground" / "i18n" / "locale"


def compile_catalogues() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in LOCALE.glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as f:
            catalog = read_po(f)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)


class BuildWithCatalogues(build_py):
    def run(self):
        compile_catalogues()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
