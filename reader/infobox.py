"""The offensive's infobox, shaped for the template from rows already prefetched by
``reader.queries.conflict_for_detail()`` (no queries here)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .casualties import infobox_casualties


@dataclass
class UnitNode:
    participation: object
    children: list[UnitNode] = field(default_factory=list)

    @property
    def force(self):
        return self.participation.force


@dataclass
class SideBox:
    side: object
    name: str
    belligerents: list
    units: list[UnitNode]
    commanders: list
    strengths: list
    casualties: object = None   # reader.casualties.InfoboxCasualties: the infobox's "Casualties and losses"


def unit_tree(participations) -> list[UnitNode]:
    """Units of one side as a forest: a unit hangs under its parent force when that parent is listed
    for the same side, otherwise it is a root. Document order is kept among siblings."""
    nodes = {p.force_id: UnitNode(p) for p in participations}

    def in_cycle(force_id) -> bool:  # an editor's mistake must not make the page recurse forever
        seen, current = set(), force_id
        while current in nodes and current not in seen:
            seen.add(current)
            current = nodes[current].participation.force.parent_id
        return current == force_id

    roots: list[UnitNode] = []
    for force_id, node in nodes.items():
        parent = nodes.get(node.participation.force.parent_id)
        if parent is not None and not in_cycle(force_id):
            parent.children.append(node)
        else:
            roots.append(node)
    return roots


def side_boxes(conflict) -> list[SideBox]:
    casualties = infobox_casualties(conflict)
    boxes = []
    for side in conflict.sides.all():
        participations = list(side.participations.all())
        boxes.append(SideBox(
            side=side,
            name=side.display_name,
            belligerents=[p for p in participations if p.role == "belligerent"],
            units=unit_tree([p for p in participations if p.role == "unit"]),
            commanders=list(side.command_roles.all()),
            strengths=list(side.strengths.all()),
            casualties=casualties.get(side.number),
        ))
    return boxes


def casualties_without_side(conflict) -> list:
    """The infobox's "Casualties and losses" entries past its sides (the joint column: civilians, mostly)."""
    numbers = {side.number for side in conflict.sides.all()}
    return [entry for number, entry in infobox_casualties(conflict).items() if number not in numbers]
