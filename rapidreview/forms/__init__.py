"""The rapidreview app's forms: the case's moves from the rapid review onwards, and the
records kept between them."""

from .moves import (
    CloseForm,
    CommissionForm,
    InformedForm,
    LocalReviewStartForm,
    NationalReviewForm,
    NoFurtherReviewForm,
    PublishForm,
    RapidReviewCompleteForm,
    RapidReviewStartForm,
    SendToPanelForm,
)
from .records import (
    FinalReportForm,
    InvolvementForm,
    NoteForm,
    PublicationPlanForm,
    RecommendationForm,
    RecommendationUpdateForm,
    ReportSentForm,
)

__all__ = [
    "CloseForm",
    "CommissionForm",
    "FinalReportForm",
    "InformedForm",
    "InvolvementForm",
    "LocalReviewStartForm",
    "NationalReviewForm",
    "NoFurtherReviewForm",
    "NoteForm",
    "PublicationPlanForm",
    "PublishForm",
    "RapidReviewCompleteForm",
    "RapidReviewStartForm",
    "RecommendationForm",
    "RecommendationUpdateForm",
    "ReportSentForm",
    "SendToPanelForm",
]
