class CaseLifecycleMixin:
    """The case's transitions after submission, on the `status` field of Referral."""
