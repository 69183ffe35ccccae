"""A combo box whose items are typeset (rich text: ‖·‖<sub>F</sub>), in its list and when closed.

Qt draws combo-box items as plain text, and Unicode has no subscript capital F, so a norm chooser
showed the markup "‖·‖_F". Each item keeps a plain text (``itemText``: what screen readers, the
keyboard search and tests read) and its rich text in :data:`RICH_ROLE`, which is what is drawn.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import (QComboBox, QStyle, QStyledItemDelegate, QStyleOptionComboBox,
                               QStyleOptionViewItem, QStylePainter)

RICH_ROLE = Qt.ItemDataRole.UserRole + 1


def _document(html: str, font, colour) -> QTextDocument:
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setDefaultStyleSheet(f"body {{ color: {colour.name()}; }}")
    document.setHtml(f"<body>{html}</body>")
    return document


class _RichDelegate(QStyledItemDelegate):
    """Draws an item's rich text (the list of an open :class:`RichComboBox`)."""

    def paint(self, painter, option, index) -> None:
        html = index.data(RICH_ROLE)
        if not html:
            super().paint(painter, option, index)
            return
        option = QStyleOptionViewItem(option)
        self.initStyleOption(option, index)
        option.text = ""  # the frame, selection and focus as Qt draws them; the text is ours
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        document = _document(html, option.font, option.palette.color(role))
        rect = option.rect
        painter.save()
        painter.translate(QPointF(rect.left() + 4, rect.top() + (rect.height() - document.size().height()) / 2))
        document.drawContents(painter)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt naming)
        size = super().sizeHint(option, index)
        html = index.data(RICH_ROLE)
        if html:
            document = _document(html, option.font, option.palette.color(QPalette.ColorRole.Text))
            size.setWidth(int(document.idealWidth()) + 8)
            size.setHeight(max(size.height(), int(document.size().height()) + 2))
        return size


class RichComboBox(QComboBox):
    """A QComboBox that draws items added with :meth:`add_rich_item` as rich text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setItemDelegate(_RichDelegate(self))

    def add_rich_item(self, plain: str, html: str, data=None) -> None:
        """An item read as ``plain`` and drawn as ``html``."""
        self.addItem(plain, data)
        self.setItemData(self.count() - 1, html, RICH_ROLE)

    def rich_text(self, index: int) -> str:
        return self.itemData(index, RICH_ROLE) or ""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        size = super().sizeHint()
        widest = max((self._document(index).idealWidth() for index in range(self.count())), default=0.0)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        frame = self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, QSize(0, 0), self)
        size.setWidth(max(size.width(), int(widest) + frame.width() + 8))
        return size

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return self.sizeHint()

    def _document(self, index: int) -> QTextDocument:
        html = self.rich_text(index) or self.itemText(index).replace("&", "&amp;").replace("<", "&lt;")
        return _document(html, self.font(), self.palette().color(QPalette.ColorRole.ButtonText))

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt naming)
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        html = self.rich_text(self.currentIndex())
        if html:
            option.currentText = ""
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
        if html:
            field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                                QStyle.SubControl.SC_ComboBoxEditField, self)
            document = self._document(self.currentIndex())
            painter.save()
            painter.setClipRect(field)
            painter.translate(QPointF(field.left() + 2, field.top() + (field.height() - document.size().height()) / 2))
            document.drawContents(painter)
            painter.restore()
