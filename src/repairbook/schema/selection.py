"""What a query asks for below a field, so that a resolver does only that work."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

Selection = SelectedField | FragmentSpread | InlineFragment


def selects(selections: Iterable[Selection], *path: str) -> bool:
    """Whether `path` (field names, outermost first) is selected, through fragments too.
    Directives are not weighed: a field under `@skip` still counts as asked for."""
    if not path:
        return True
    head, *rest = path
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == head and selects(selection.selections, *rest):
                return True
        elif selects(selection.selections, *path):
            return True
    return False
