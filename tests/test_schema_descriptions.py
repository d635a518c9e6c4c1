"""schema.graphql explains itself: every type, field, argument, input field and enum value
has a description (issue 18), so a frontend needs nothing but the schema."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
)

SCHEMA = Path(__file__).resolve().parents[1] / "schema.graphql"
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed(sdl: str) -> list[str]:
    schema = build_schema(sdl)
    missing = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({a})"
                    for a, arg in field.args.items()
                    if not arg.description
                ]
        elif isinstance(kind, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in kind.fields.items() if not field.description]
        elif isinstance(kind, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in kind.values.items() if not value.description]
    return missing


def test_every_part_of_the_schema_has_a_description() -> None:
    assert undescribed(SCHEMA.read_text(encoding="utf-8")) == []


def test_the_check_finds_what_lacks_one() -> None:
    sdl = '"""Q"""\ntype Query {\n  """f"""\n  f(a: Int): E\n  g: Int\n}\n"""E"""\nenum E { X }\n'
    assert undescribed(sdl) == ["Query.f(a)", "Query.g", "E.X"]


def test_slot_states_and_changes_say_what_they_mean() -> None:
    schema = build_schema(SCHEMA.read_text(encoding="utf-8"))
    states = schema.type_map["SlotState"]
    assert isinstance(states, GraphQLEnumType)
    cancelled = states.values["CANCELLED"].description or ""
    assert "bookable" in cancelled
    assert "FREE" in cancelled
    assert "never" in (states.values["FREE"].description or "").lower() or "Nobody" in (
        states.values["FREE"].description or ""
    )
