"""Pure helpers on the dependency graph (dependent matter → prerequisite matter)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """
    Return one cycle as a closed path ``[a, b, c, a]``, or None when the graph is acyclic.

    Deterministic: nodes and edges are visited in sorted order and the cycle is told from
    its smallest node, so the same graph always names the same cycle the same way.
    """
    white, grey, black = 0, 1, 2
    colour: dict[str, int] = {}
    edges = {node: sorted(set(targets)) for node, targets in graph.items()}
    for root in sorted(edges):
        if colour.get(root, white) != white:
            continue
        path: list[str] = [root]
        iterators = [iter(edges.get(root, ()))]
        colour[root] = grey
        while iterators:
            step = next(iterators[-1], None)
            if step is None:
                colour[path.pop()] = black
                iterators.pop()
                continue
            state = colour.get(step, white)
            if state == grey:
                loop = path[path.index(step) :]
                first = loop.index(min(loop))
                loop = loop[first:] + loop[:first]
                return [*loop, loop[0]]
            if state == white:
                colour[step] = grey
                path.append(step)
                iterators.append(iter(edges.get(step, ())))
    return None
