-- The dashboard reads a node's history (its state, its chips' health and isolations) by subject.
CREATE INDEX events_by_subject ON events (subject text_pattern_ops, id);
