"""medspaCy's ConText, run one sentence at a time.

ConText compares every modifier with every other and with every term of the document, which made a long note
quadratic (a 160,000-character note took half a minute). A modifier's scope never leaves the sentence it begins
in (no global ``max_scope`` is set, so each scope is its sentence, cut by the rule's own ``max_scope``), so
modifiers and terms of different sentences never meet: grouping them by sentence gives the same edges, in the
same order, at a cost that grows with the note. The rules, the matcher and the attributes set on the terms are
ConText's own; this component only decides which pairs are compared.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span


class SentenceContext:
    """A pipeline component applying ``context``'s rules (a medspaCy ``ConText``) sentence by sentence."""

    def __init__(self, nlp: Language, context: Any) -> None:
        from medspacy.common.medspacy_matcher import MedspacyMatcher

        if context.max_scope is not None:
            raise ValueError("SentenceContext needs sentence scopes: the ConText must have no global max_scope")
        self._nlp = nlp
        self._context = context
        self._matcher = MedspacyMatcher(nlp, name="note_sentence_context", prune=context.prune_on_modifier_overlap)
        self._matcher.add(context.rules)

    def __call__(self, doc: Doc) -> Doc:
        from medspacy.context.context_graph import ConTextGraph
        from medspacy.context.context_modifier import ConTextModifier

        starts = [sent.start for sent in doc.sents]
        groups: dict[int, tuple[list[Span], list[Any]]] = {}
        targets = list(doc.ents)
        for target in targets:  # a term across a line break is in both sentences' groups
            first, last = bisect_right(starts, target.start) - 1, bisect_right(starts, target.end - 1) - 1
            for number in range(first, last + 1):
                groups.setdefault(number, ([], []))[0].append(target)
        order: dict[int, int] = {}
        for match_id, start, end in self._matcher(doc):
            rule = self._matcher.rule_map[self._nlp.vocab[match_id].text]
            modifier = ConTextModifier(rule, start, end, doc, max_scope=None)
            order[id(modifier)] = len(order)
            groups.setdefault(bisect_right(starts, start) - 1, ([], []))[1].append(modifier)
        modifiers: list[Any] = []
        edges: list[tuple[Span, Any]] = []
        for number in sorted(groups):
            terms, found = groups[number]
            graph = ConTextGraph(targets=terms, modifiers=found, prune_on_modifier_overlap=self._prune_on_targets)
            graph.update_scopes()
            graph.apply_modifiers()
            modifiers.extend(graph.modifiers)
            edges.extend(graph.edges)
        # ConText lists edges modifier by modifier in the matcher's order; a stable sort keeps each modifier's
        # terms in the order its graph gave them
        edges.sort(key=lambda edge: order[id(edge[1])])
        modifiers.sort(key=lambda modifier: order[id(modifier)])
        for target, modifier in edges:
            target._.modifiers += (modifier,)
        if self._context.context_attributes_mapping:
            self._context.set_context_attributes(edges)
        doc._.context_graph = ConTextGraph(
            targets=targets, modifiers=modifiers, edges=edges, prune_on_modifier_overlap=self._prune_on_targets
        )
        return doc

    @property
    def _prune_on_targets(self) -> bool:
        # ConText hands its prune_on_target_overlap to the graph's prune_on_modifier_overlap
        return bool(self._context.prune_on_target_overlap)
