"""The layer palette: layer types grouped by kind, dragged into the network stack."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QSize, Qt
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from playground.core.model.layers import CATALOG, GROUPS
from playground.ui.widgets.style import GROUP_TITLES, layer_icon

LAYER_MIME = "application/x-playground-layer"
TYPE_ROLE = Qt.ItemDataRole.UserRole


class LayerPalette(QTreeWidget):
    """Drag a layer from here; its tooltip is the catalog's explanation."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setIconSize(QSize(24, 24))
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setObjectName("palette")
        for group in GROUPS:
            header = QTreeWidgetItem(self, [GROUP_TITLES[group]])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            for t in (t for t in CATALOG.values() if t.group == group):
                item = QTreeWidgetItem(header, [t.name])
                item.setIcon(0, layer_icon(t.name, group))
                item.setData(0, TYPE_ROLE, t.name)
                where = "onto the graph (Draw branches)" if t.merges else "into the network"
                item.setToolTip(0, f"<b>{t.name}</b><br>{t.explanation}<br><i>Drag it {where}.</i>")
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
        self.expandAll()

    def item_for(self, type_name: str) -> QTreeWidgetItem:
        """The palette entry of a layer type."""
        for i in range(self.topLevelItemCount()):
            header = self.topLevelItem(i)
            for j in range(header.childCount()):
                if header.child(j).data(0, TYPE_ROLE) == type_name:
                    return header.child(j)
        raise KeyError(type_name)

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        data = QMimeData()
        names = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        if names:
            data.setData(LAYER_MIME, names[0].encode())
            data.setText(names[0])
        return data

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def startDrag(self, actions: Qt.DropAction) -> None:
        items = [i for i in self.selectedItems() if i.data(0, TYPE_ROLE)]
        if not items:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData(items))
        drag.setPixmap(items[0].icon(0).pixmap(32, 32))
        drag.exec(Qt.DropAction.CopyAction)
