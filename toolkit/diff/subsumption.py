"""Does one schema accept every value another one accepts? A small, conservative subsumption check.

The diff asks this about union members whose shapes differ: a member that went away is only "removed" when
values it accepted are now rejected; if another member of the new union accepts all of them, the member was
widened, not removed. The check works on normalised schema views (`views.py`): type sets, enums, numeric and
length bounds, patterns, required names, properties, additionalProperties, items and union members. It answers
True (proven), False (a value exists that the inner schema accepts and the outer rejects) or None (cannot tell,
e.g. two different patterns or an unfolded allOf); callers treat None like False, so a verdict never gets milder
without proof. Recursive schemas are handled coinductively: a pair already being checked counts as covered.

Written by hand because no maintained library decides JSON Schema inclusion: jsonschema and jsonschema-rs
validate instances, they do not compare schemas. The precision bench checks these verdicts on sampled values.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from .views import ANNOTATION_KEYWORDS, SchemaView, Viewer, accepts_null, json_type, type_accepts

Side = tuple[Viewer, SchemaView]
_LOWER = ("minimum", "exclusiveMinimum")
_UPPER = ("maximum", "exclusiveMaximum")
_NUMERIC_FORMATS = frozenset({"int32", "int64", "float", "double"})


def anything(view: SchemaView) -> bool:
    """A schema with no constraint: every JSON value is valid."""
    return (view.is_bool is not False and view.types is None and view.enum is None and not view.properties
            and not view.required and view.items is None and view.additional is None and not view.members
            and not view.rest_all_of and view.keywords.get("additionalProperties") is not False
            and not set(view.keywords) - ANNOTATION_KEYWORDS)


def _all(results: Iterable[bool | None]) -> bool | None:
    """True when every result is True, False when one is False, else None."""
    unknown = False
    for result in results:
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


def _number(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class Subsumption:
    """`covers(outer, inner)`: is every value valid under `inner` valid under `outer`? Memoised per view pair."""

    def __init__(self) -> None:
        # keyed by view identity; the entry holds both views so that no key outlives its views' ids
        self._memo: dict[tuple[int, int], tuple[bool | None, SchemaView, SchemaView]] = {}
        self._in_progress: set[tuple[int, int]] = set()

    def covers(self, outer: Side, inner: Side) -> bool | None:
        key = (id(outer[1]), id(inner[1]))
        if key in self._memo:
            return self._memo[key][0]
        if key in self._in_progress:
            return True  # coinduction: a recursive pair is covered unless some other part says otherwise
        self._in_progress.add(key)
        try:
            result = self._covers(outer, inner)
        finally:
            self._in_progress.discard(key)
        self._memo[key] = (result, outer[1], inner[1])
        return result

    def _covers(self, outer: Side, inner: Side) -> bool | None:
        (o_viewer, o), (i_viewer, i) = outer, inner
        if anything(o) or i.is_bool is False:
            return True
        if o.is_bool is False:
            return None
        if o.rest_all_of or i.rest_all_of:
            return None
        if i.nullable and not accepts_null(o):
            return False
        if i.members:
            verdict = _all(self.covers(outer, (i_viewer, m.view)) for m in i.members)
            if verdict is True or (verdict is False and i.pure_union):
                return verdict
            # a union with shared fields of its own: its values are fewer than its members', check the shell too
        if o.members:
            shell = _all(self._covers_shell(outer, inner)) if (o.properties or o.types or o.required) else True
            if shell is False:
                return False
            verdicts = [self.covers((o_viewer, m.view), inner) for m in o.members]
            if shell and any(v is True for v in verdicts):
                return True
            return False if all(v is False for v in verdicts) and not i.members else None
        return _all(self._covers_shell(outer, inner))

    def _covers_shell(self, outer: Side, inner: Side) -> Iterable[bool | None]:
        (o_viewer, o), (i_viewer, i) = outer, inner
        if i.enum is not None and not i.enum_open:
            yield _all(self._value_ok(o, value) for value in i.enum.values())
            return
        if o.types is not None and (i.types is None or any(not type_accepts(o.types, t) for t in i.types)):
            yield False
            return
        if o.enum is not None and not o.enum_open:
            # the inner schema accepts values of its type beyond any list (two booleans are a whole type: undecided)
            yield None if i.types == frozenset({"boolean"}) else False
            return
        kinds = i.types if i.types is not None else frozenset({"string", "number", "integer", "object", "array"})
        if kinds & {"number", "integer"}:
            yield from self._numeric(o, i)
        if "string" in kinds:
            yield from self._string(o, i)
        if "array" in kinds:
            yield from self._array(outer, inner)
        if "object" in kinds:
            yield from self._object(outer, inner)

    # -- per type
    @staticmethod
    def _numeric(o: SchemaView, i: SchemaView) -> Iterable[bool | None]:
        ok, ik = o.keywords, i.keywords
        # with integers only, an exclusive bound equals an inclusive one a step inside it: rather than reason about
        # steps, a bound that does not compare is "cannot tell" there, and a real counter-example otherwise
        miss: bool | None = None if i.types and i.types <= {"integer"} else False
        for bounds, tighter in ((_LOWER, lambda a, b: a >= b), (_UPPER, lambda a, b: a <= b)):
            inclusive, exclusive = bounds
            o_in, o_ex = _number(ok.get(inclusive)), _number(ok.get(exclusive))
            i_in, i_ex = _number(ik.get(inclusive)), _number(ik.get(exclusive))
            if o_in is not None:
                if i_in is not None and tighter(i_in, o_in):
                    yield True
                elif i_ex is not None and tighter(i_ex, o_in):
                    yield True
                else:
                    yield miss if i_ex is not None else False
            if o_ex is not None:
                if (i_ex is not None and tighter(i_ex, o_ex)) or (i_in is not None and tighter(i_in, o_ex)
                                                                  and i_in != o_ex):
                    yield True
                else:
                    yield miss if i_in is not None else False
        step = _number(ok.get("multipleOf"))
        if step:
            inner_step = _number(ik.get("multipleOf"))
            yield True if inner_step and (inner_step / step).is_integer() else None
        o_fmt, i_fmt = ok.get("format"), ik.get("format")
        if o_fmt is not None and o_fmt not in _NUMERIC_FORMATS and o_fmt != i_fmt:
            yield None

    @staticmethod
    def _string(o: SchemaView, i: SchemaView) -> Iterable[bool | None]:
        ok, ik = o.keywords, i.keywords
        # a pattern or a format may bound the length too: then a missing bound is "cannot tell"
        miss = None if ik.get("pattern") is not None or ik.get("format") is not None else False
        if _number(ok.get("maxLength")) is not None:
            inner = _number(ik.get("maxLength"))
            yield True if inner is not None and inner <= ok["maxLength"] else miss
        if _number(ok.get("minLength")) is not None and ok["minLength"] > 0:
            inner = _number(ik.get("minLength"))
            yield True if inner is not None and inner >= ok["minLength"] else miss
        if ok.get("pattern") is not None:
            yield True if ik.get("pattern") == ok["pattern"] else (False if ik.get("pattern") is None else None)
        o_fmt = ok.get("format")
        if o_fmt is not None and o_fmt not in _NUMERIC_FORMATS and o_fmt != ik.get("format"):
            yield None  # whether a format is asserted depends on the validator: undecided

    def _array(self, outer: Side, inner: Side) -> Iterable[bool | None]:
        (o_viewer, o), (i_viewer, i) = outer, inner
        ok, ik = o.keywords, i.keywords
        if o.items is not None:
            o_items = o_viewer.view(*o.items)
            if i.items is None:
                yield anything(o_items)
            else:
                yield self.covers((o_viewer, o_items), (i_viewer, i_viewer.view(*i.items)))
        if _number(ok.get("maxItems")) is not None:
            yield _number(ik.get("maxItems")) is not None and ik["maxItems"] <= ok["maxItems"]
        if _number(ok.get("minItems")) is not None and ok["minItems"] > 0:
            yield _number(ik.get("minItems")) is not None and ik["minItems"] >= ok["minItems"]
        if ok.get("uniqueItems") is True:
            yield ik.get("uniqueItems") is True

    def _object(self, outer: Side, inner: Side) -> Iterable[bool | None]:
        (o_viewer, o), (i_viewer, i) = outer, inner
        yield not (o.required - i.required)
        i_closed = i.keywords.get("additionalProperties") is False
        for name, o_ref in o.properties.items():
            o_prop = (o_viewer, o_viewer.view(*o_ref))
            if name in i.properties:
                yield self.covers(o_prop, (i_viewer, i_viewer.view(*i.properties[name])))
            elif i_closed:
                continue
            elif i.additional is not None:
                yield self.covers(o_prop, (i_viewer, i_viewer.view(*i.additional)))
            else:
                yield anything(o_prop[1])
        o_closed = o.keywords.get("additionalProperties") is False
        extra = [name for name in i.properties if name not in o.properties]
        if o_closed:
            yield i_closed and not extra
        elif o.additional is not None:
            o_add = (o_viewer, o_viewer.view(*o.additional))
            for name in extra:
                yield self.covers(o_add, (i_viewer, i_viewer.view(*i.properties[name])))
            if not i_closed:
                yield (self.covers(o_add, (i_viewer, i_viewer.view(*i.additional))) if i.additional is not None
                       else anything(o_add[1]))
        for key, tighter in (("maxProperties", lambda a, b: a <= b), ("minProperties", lambda a, b: a >= b)):
            if _number(o.keywords.get(key)) is not None:
                inner = _number(i.keywords.get(key))
                yield True if inner is not None and tighter(inner, o.keywords[key]) else None

    # -- one concrete value
    def _value_ok(self, o: SchemaView, value: Any) -> bool | None:
        """Is one (non-null) enum value valid under `o`? Objects and arrays are not decided."""
        kind = json_type(value)
        if o.members:
            verdicts = [self._value_ok(m.view, value) for m in o.members]
            return True if any(v is True for v in verdicts) else (False if all(v is False for v in verdicts) else None)
        if not type_accepts(o.types, kind):
            return False
        if o.enum is not None and not o.enum_open:
            return any(value == known and json_type(known) == kind for known in o.enum.values())
        kw = o.keywords
        if kind in ("integer", "number"):
            checks = ((kw.get("minimum"), lambda b: value >= b), (kw.get("exclusiveMinimum"), lambda b: value > b),
                      (kw.get("maximum"), lambda b: value <= b), (kw.get("exclusiveMaximum"), lambda b: value < b))
            return all(check(bound) for bound, check in checks if _number(bound) is not None)
        if kind == "string":
            if _number(kw.get("maxLength")) is not None and len(value) > kw["maxLength"]:
                return False
            if _number(kw.get("minLength")) is not None and len(value) < kw["minLength"]:
                return False
            if isinstance(kw.get("pattern"), str):
                try:
                    return re.search(kw["pattern"], value) is not None
                except re.error:
                    return None
            return True
        return True if kind == "boolean" else None
