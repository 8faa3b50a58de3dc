"""The small forms around a draft: starting one, and withdrawing it."""

from django import forms


class StartForm(forms.Form):
    """The start page's one-time token: a double click starts one draft."""

    start_token = forms.UUIDField(widget=forms.HiddenInput)


class WithdrawDraftForm(forms.Form):
    """Confirms the author means to withdraw the draft (nothing to enter)."""
