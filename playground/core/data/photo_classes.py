"""Classes of your own photos, Teachable Machine's way: named classes in a folder the app owns,
photos copied into them, which is then an image folder like any other."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playground.core.data.folder import IMAGE_SUFFIXES
from playground.core.data.imageio import ImageError, open_image
from playground.core.errors import DatasetError
from playground.core.limits import MAX_CLASS_NAME

SUFFIX = " photos"  # the folder beside a project: "pets.playground" → "pets photos"


def classes_folder(project: Path | None, home: Path) -> Path:
    """Where a project keeps its classes: beside it, or under the app's home while unsaved."""
    if project is None:
        return home / "photos" / "untitled"
    return project.with_name(project.stem + SUFFIX)


class PhotoClasses:
    """The class sub-folders of root and the photos in them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and p.name[0] != ".")

    def photos(self, name: str) -> list[Path]:
        folder = self.root / name
        files = folder.iterdir() if folder.is_dir() else ()
        photos = (p for p in files if p.suffix.lower() in IMAGE_SUFFIXES)
        return sorted(photos, key=_natural)

    def add_class(self, name: str) -> str:
        """Make the class folder; DatasetError saying why a name cannot be a class."""
        name = name.strip()
        if not name:
            raise DatasetError("give the class a name")
        if len(name) > MAX_CLASS_NAME or any(c in name for c in '/\\:*?"<>|') or name[0] == ".":
            raise DatasetError(
                f"'{name[:40]}' cannot name a class: use letters, digits, spaces or dashes"
            )
        if name.casefold() in (n.casefold() for n in self.names()):
            raise DatasetError(f"there is a class '{name}' already")
        (self.root / name).mkdir(parents=True)
        return name

    def remove_class(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)

    def add_photos(self, name: str, paths: list[Path]) -> tuple[list[Path], list[str]]:
        """Copy the readable images among paths into the class; (the copies, why each other
        file was left out)."""
        added, skipped = [], []
        for path in paths:
            try:
                if path.suffix.lower() not in IMAGE_SUFFIXES:
                    raise ImageError(f"{path.name} is not an image file (its name says)")
                open_image(path, 64)  # readable: else the data set would skip it later
            except ImageError as e:
                skipped.append(str(e))
                continue
            target = self._free_name(self.root / name, path.name)
            shutil.copyfile(path, target)
            added.append(target)
        return added, skipped

    def remove_photo(self, path: Path) -> None:
        if path.parent.parent == self.root:  # only the copies this folder owns
            path.unlink(missing_ok=True)

    @staticmethod
    def _free_name(folder: Path, name: str) -> Path:
        """folder/name, or folder/stem-2.suffix … when a photo of that name is there."""
        target, n = folder / name, 1
        while target.exists():
            n += 1
            target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        return target


def _natural(path: Path) -> list:
    """A sort key that puts photo 2 before photo 10."""
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", path.name)]


def owned(folder: Path, home: Path) -> bool:
    """Whether folder is one that classes_folder makes (the app copied its photos in)."""
    return folder.name.endswith(SUFFIX) or folder.parent == home / "photos"
