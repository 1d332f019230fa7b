"""Build hook: the gettext catalogs (locale/*/LC_MESSAGES/policykg.po) are compiled to .mo when a
wheel is built, so the wheel ships both and the repository keeps only the .po people edit.
Everything else is declared in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    def run(self):
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(__file__).resolve().parent
        for po in sorted((root / "locale").glob("*/LC_MESSAGES/policykg.po")):
            rel = po.relative_to(root).with_suffix(".mo")
            target = Path(self.build_lib) / "policykg" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as fh:
                catalog = read_po(fh)
            with target.open("wb") as fh:
                write_mo(fh, catalog)


setup(cmdclass={"build_py": BuildWithCatalogs})
