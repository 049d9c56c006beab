"""A grid of character cells with a style each: what the Network picture is drawn on, without Textual."""

from __future__ import annotations

Cell = tuple[str, str]  # character, style
Run = tuple[str, str]  # text, style


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: list[list[Cell]] = [[(" ", "")] * width for _ in range(height)]

    def put(self, x: int, y: int, text: str, style: str = "") -> None:
        if not 0 <= y < self.height:
            return
        row = self.cells[y]
        for k, ch in enumerate(text):
            if 0 <= x + k < self.width:
                row[x + k] = (ch, style)

    def runs(self, y: int) -> list[Run]:
        """Row ``y`` as runs of one style (fewer style changes, fewer bytes to the terminal)."""
        out: list[Run] = []
        text, style = "", None
        for ch, st in self.cells[y]:
            if st == style:
                text += ch
            else:
                if text:
                    out.append((text, style or ""))
                text, style = ch, st
        if text:
            out.append((text, style or ""))
        return out
