"""Secret and PII detection, keyed placeholders and rules: used by the recorder, the journal
view, and everything else that shows or writes traffic."""
