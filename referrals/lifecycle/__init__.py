"""The case's state machine, in one package.

- states: CaseStatus and its named groups of states;
- moves: the Move enum, one member per transition;
- transitions: the transitions themselves (CaseLifecycleMixin, on Referral's status);
- graph: the transitions read as a graph; refusals: why a move is refused now;
- diagram: the drawing in docs/case-lifecycle.svg;
- kernel: lock, check, move and log, the steps every moving service shares.

Nothing here sends mail or opens deadlines: the services that call the kernel do.
"""
