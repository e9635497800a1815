"""The law in force: every declared file loaded together and checked against the others.

`load_law` reads the workflows, supervisory bodies, catalogue, classification codes,
escalation ladder and document declarations, then runs the cross-file pass
(`sanctions.law.check`): every name one file or the code refers to must be declared in
another. Commands, the reminder job and `sanctions workflow validate` all go through it.
"""
